/**
 * Every query of the Grafana dashboards (and of the alert rules) names metrics that the running
 * stack really exports: the apps' /metrics, the sidecars' metrics ports, placement and scheduler.
 * A renamed or misspelt metric makes a panel silently empty; here it fails a test instead.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { expandReplicas, instanceName } from '../../tools/stack/topology.ts';
import { connectDevice } from '../harness/chat-client.ts';
import { call } from '../harness/http.ts';
import { newPerson, type Person } from '../harness/people.ts';
import { eventually, sharedStack } from '../harness/stack.ts';
import { alertQueries, dashboardQueries, metricNames, type Query } from './promql.ts';

const info = sharedStack();
const running = new Set(info.apps.map((a) => a.instance));
const instances = info.topology.apps.flatMap(expandReplicas).filter((a) => running.has(instanceName(a)));
const infra = info.topology.infrastructure;

// The endpoints that serve Prometheus text: what the stack's Prometheus scrapes, but Envoy.
const endpoints = [
  ...instances.map((a) => ({ what: `${instanceName(a)} app`, port: a.port })),
  ...instances.map((a) => ({ what: `${instanceName(a)} sidecar`, port: a.dapr.metricsPort })),
  { what: 'placement', port: infra.placement.metricsPort },
  { what: 'scheduler', port: infra.scheduler.metricsPort },
];

// Prometheus itself adds `up` to every target it scrapes; nothing exports it.
const synthesized = new Set(['up']);

/** Names a Prometheus text exposition makes queryable: samples, and each family's series. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type?.[1]) {
      const [, name, kind] = type;
      names.add(name);
      // A histogram or summary is queried through its series (prom-client declares families
      // even before their first sample, Dapr's exporter only once something was recorded).
      if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      if (kind === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}

async function exported(): Promise<Set<string>> {
  const names = new Set(synthesized);
  for (const e of endpoints) {
    const res = await fetch(`http://127.0.0.1:${e.port}/metrics`, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200, `${e.what} serves /metrics on ${e.port}`);
    for (const name of exposedNames(await res.text())) names.add(name);
  }
  return names;
}

/**
 * One message through the ingress into a group, then one search for it: chat publishes
 * message.created, the search app indexes it (search_index_lag_seconds, search_events_total) and
 * answers GET /search. Those families are labelled, so the Go client exports them only once used.
 */
async function sendAndSearch(owner: Person, groupId: string): Promise<void> {
  assert.ok(info.ingress, 'the shared stack runs the ingress');
  const word = `obs${randomUUID().slice(0, 8)}`;
  const sent = await call(`${info.ingress.url}/conversations/${groupId}/messages`, {
    body: { clientMsgId: randomUUID(), content: `dashboard probe ${word}` },
    token: owner.token,
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const found = await eventually(
    () => call<{ results: unknown[] }>(`${info.ingress?.url}/search?q=${word}`, { token: owner.token }),
    (r) => r.status === 200 && r.body.results.length === 1,
    30_000,
    `search to find "${word}"`,
  );
  assert.equal(found.body.results.length, 1, JSON.stringify(found.body));
}

/** A PromQL query's finite sample values, at Prometheus' now. */
async function samples(expr: string): Promise<number[]> {
  const prometheus = info.telemetry?.prometheusUrl;
  assert.ok(prometheus);
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`, {
    signal: AbortSignal.timeout(5000),
  });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: { result: { value: [number, string] }[] };
  };
  assert.equal(body.status, 'success', `${expr}: ${body.error}`);
  return body.data.result.map((r) => Number(r.value[1])).filter(Number.isFinite);
}

function missingFrom(names: Set<string>, queries: Query[]): string[] {
  return queries.flatMap((q) =>
    metricNames(q.expr)
      .filter((n) => !names.has(n))
      .map((n) => `${n} (${q.where})`),
  );
}

describe('dashboards and alerts name only metrics the stack exports', { timeout: 300_000 }, () => {
  const dashboards = dashboardQueries();
  const alerts = alertQueries();
  let probe: { owner: Person; groupId: string };

  before(async () => {
    // Dapr's sidecars export a component or workflow metric only after its first use: one
    // registration runs the saga (workflow, invocation, state), publishes user.registered
    // (the outbox publishes in bulk) and has the notification service consume it and send the
    // welcome email (pub/sub ingress, output binding). A typing frame is chat's one single
    // publish (pub/sub egress); a message is consumed in bulk by search.
    const user = info.apps.find((a) => a.id === 'user');
    assert.ok(user, 'the shared stack runs the user service');
    const [owner, member] = [
      await newPerson(`http://127.0.0.1:${user.port}`, 'obs'),
      await newPerson(`http://127.0.0.1:${user.port}`, 'obs'),
    ];
    assert.ok(info.ingress, 'the shared stack runs the ingress');
    const group = await call<{ id: string }>(`${info.ingress.url}/groups`, {
      body: { name: 'dashboards', description: '', memberIds: [member.id] },
      token: owner.token,
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    probe = { owner, groupId: group.body.id };
    const device = await connectDevice(info.ingress.url, owner.token);
    try {
      device.send({ type: 'typing', conversationId: probe.groupId });
      device.send({ type: 'ping' });
      await device.waitFor((f) => f.type === 'pong');
    } finally {
      await device.close();
    }
    // The search app's own families (the search dashboard) exist from its first indexed event on.
    await sendAndSearch(owner, probe.groupId);
  });

  test('the metric names are read out of PromQL, not out of functions, labels or keywords', () => {
    assert.deepEqual(
      metricNames(
        'sum by (service) (rate(http_requests_total{status=~"5..", x="a{b}"}[5m])) / on(service) group_left up > bool 0.5',
      ),
      ['http_requests_total', 'up'],
    );
    assert.deepEqual(metricNames('label_values(http_requests_total, service)'), ['http_requests_total']);
    assert.deepEqual(
      metricNames('histogram_quantile(0.99, sum by (le) (rate(h_bucket{a=~"$service"}[$__rate_interval])))'),
      ['h_bucket'],
    );
  });

  test('every dashboard has queries, and every query names a metric', () => {
    assert.ok(dashboards.length > 20, `only ${dashboards.length} queries found`);
    const empty = dashboards.filter((q) => metricNames(q.expr).length === 0).map((q) => q.where);
    assert.deepEqual(empty, []);
  });

  test('every metric a dashboard or an alert rule names is exported by an app, a sidecar or the control plane', async () => {
    // The saga's email and the events arrive shortly after the registration answers: poll.
    const names = await eventually(exported, (n) => missingFrom(n, [...dashboards, ...alerts]).length === 0, 60_000);
    assert.deepEqual(
      [...new Set(missingFrom(names, [...dashboards, ...alerts]))],
      [],
      'named in a query but exported by nobody',
    );
  });

  test('the search dashboard draws a line in every panel once messages are indexed and searched', {
    skip: !info.telemetry?.prometheusUrl,
  }, async () => {
    // Its series are new: a rate needs an increase between two scrapes, so keep the app busy
    // (a message and a search every couple of seconds) until each panel yields a finite value.
    const panels = dashboards
      .filter((q) => q.where.startsWith('soulchat-search.json'))
      .map((q) => ({ ...q, expr: q.expr.replaceAll('$__rate_interval', '1m') }));
    assert.ok(panels.length >= 5, `only ${panels.length} search panel queries`);
    const deadline = Date.now() + 90_000;
    let blank = panels;
    while (blank.length > 0 && Date.now() < deadline) {
      await sendAndSearch(probe.owner, probe.groupId);
      const results = await Promise.all(blank.map(async (q) => ({ q, values: await samples(q.expr) })));
      blank = results.filter((r) => r.values.length === 0).map((r) => r.q);
      if (blank.length > 0) await sleep(2000);
    }
    assert.deepEqual(
      blank.map((q) => `${q.where}: ${q.expr}`),
      [],
      'panels without data after 90 s of messages and searches',
    );
  });
});
