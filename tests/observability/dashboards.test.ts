/**
 * Every query of the Grafana dashboards (and of the alert rules) names metrics that the running
 * stack really exports: the apps' /metrics, the sidecars' metrics ports, placement and scheduler.
 * A renamed or misspelt metric makes a panel silently empty; here it fails a test instead.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expandReplicas, instanceName } from '../../tools/stack/topology.ts';
import { newPerson } from '../harness/people.ts';
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

function missingFrom(names: Set<string>, queries: Query[]): string[] {
  return queries.flatMap((q) =>
    metricNames(q.expr)
      .filter((n) => !names.has(n))
      .map((n) => `${n} (${q.where})`),
  );
}

describe('dashboards and alerts name only metrics the stack exports', { timeout: 180_000 }, () => {
  const dashboards = dashboardQueries();
  const alerts = alertQueries();

  before(async () => {
    // Dapr's sidecars export a component or workflow metric only after its first use: one
    // registration runs the saga (workflow, invocation, state), publishes user.registered
    // (pub/sub egress) and has the notification service consume it and send the welcome email
    // (pub/sub ingress, output binding).
    const user = info.apps.find((a) => a.id === 'user');
    assert.ok(user, 'the shared stack runs the user service');
    await newPerson(`http://127.0.0.1:${user.port}`, 'obs');
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
});
