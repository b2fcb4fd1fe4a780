import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import { call } from '../harness/http.ts';
import { newPerson, type Person } from '../harness/people.ts';
import { eventually, sharedStack } from '../harness/stack.ts';

const info = sharedStack();
const telemetry = info.telemetry;
const ingress = info.ingress;

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  references: Array<{ refType: string; traceID: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

async function jaegerTrace(traceId: string): Promise<JaegerTrace | undefined> {
  assert.ok(telemetry);
  const res = await fetch(`${telemetry.jaegerQueryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) return undefined;
  return ((await res.json()) as { data: JaegerTrace[] }).data[0];
}

const servicesOf = (t: JaegerTrace | undefined) =>
  new Set((t?.spans ?? []).map((s) => t?.processes[s.processID]?.serviceName ?? ''));

/** Every span but the root names a parent that is in the same trace: one connected tree. */
function orphans(t: JaegerTrace, rootParent?: string): JaegerSpan[] {
  const ids = new Set(t.spans.map((s) => s.spanID));
  return t.spans.filter((s) => {
    const parent = s.references.find((r) => r.refType === 'CHILD_OF');
    return parent !== undefined && !ids.has(parent.spanID) && parent.spanID !== rootParent;
  });
}

/**
 * Waits until the trace holds spans from each of these services, `operation` is among them, every
 * span's parent has arrived too and `ready` holds: apps and sidecars export in batches, each on its
 * own schedule (the sidecars every few seconds).
 */
async function traceWith(
  traceId: string,
  services: string[],
  operation: string,
  rootParent?: string,
  ready: (t: JaegerTrace) => boolean = () => true,
) {
  const found = await eventually(
    () => jaegerTrace(traceId),
    (t) =>
      t !== undefined &&
      services.every((s) => servicesOf(t).has(s)) &&
      t.spans.some((s) => s.operationName === operation) &&
      orphans(t, rootParent).length === 0 &&
      ready(t),
    60_000,
  );
  assert.ok(found, `trace ${traceId} was exported`);
  return found;
}

describe('one trace per request across Envoy, the sidecars and every service', { skip: !telemetry }, () => {
  const sockets: WebSocket[] = [];
  after(() => {
    for (const s of sockets) s.close();
  });

  test('a registration: user (request, saga activities), profile (invoked by the saga), notification (user.registered), chat (live push)', async () => {
    assert.ok(ingress);
    const traceId = randomBytes(16).toString('hex');
    const parentSpan = randomBytes(8).toString('hex');
    const username = `t_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const res = await call<{ user: { id: string } }>(`${ingress.url}/register`, {
      body: { username, email: `${username}@example.test`, password: 'long enough password' },
      headers: { traceparent: `00-${traceId}-${parentSpan}-01` },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const trace = await traceWith(
      traceId,
      ['envoy', 'ingress', 'user', 'profile', 'notification', 'chat'],
      'POST /events/fanout/notification-created',
      parentSpan,
    );
    const operations = trace.spans.map((s) => s.operationName);
    for (const op of [
      'POST /register',
      'registration.createPendingUser',
      'registration.activateUser',
      'POST /internal/profiles',
    ]) {
      assert.ok(operations.includes(op), `${op} in ${JSON.stringify(operations)}`);
    }
    assert.ok(
      operations.some((o) => o === 'POST /events/user-registered'),
      'the notification service consumed user.registered in the same trace',
    );
    assert.deepEqual(
      orphans(trace, parentSpan).map((s) => s.operationName),
      [],
      'every span hangs off another span of this trace',
    );
    // Inputs that matter are tagged; secrets never are.
    const tags = trace.spans.flatMap((s) => s.tags.map((t) => `${t.key}=${String(t.value)}`)).join('\n');
    assert.ok(tags.includes(`user.id=${res.body.user.id}`), 'spans name the account they worked on');
    assert.ok(!tags.includes('long enough password'), 'no password in any span');
    // The services' log lines written while serving it carry the trace and span ids.
    const logLines = readFileSync(path.join(info.runDir, 'logs', 'user-app.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes(traceId))
      .map((l) => JSON.parse(l) as { trace_id?: string; span_id?: string });
    assert.ok(logLines.length > 0, 'the user service logged within the trace');
    assert.ok(logLines.every((l) => l.trace_id === traceId && /^[0-9a-f]{16}$/.test(l.span_id ?? '')));
    assert.ok(!readFileSync(path.join(info.runDir, 'logs', 'user-app.log'), 'utf8').includes('long enough password'));
  });

  test('a group message with a mention: chat (send, fan-out on both instances), notification (mention), search (index), and back to chat (live push)', async () => {
    assert.ok(ingress);
    const [alice, bob] = (await Promise.all([
      newPerson(`${ingress.url}`, 'ta'),
      newPerson(`${ingress.url}`, 'tb'),
    ])) as [Person, Person];
    const group = await call<{ id: string }>(`${ingress.url}/groups`, {
      body: { name: 'Traced', description: '', memberIds: [bob.id] },
      token: alice.token,
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const ws = new WebSocket(`${ingress.url.replace('http', 'ws')}/ws?access_token=${alice.token}`);
    sockets.push(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const clientMsgId = `traced-${randomUUID().slice(0, 8)}`;
    const acked = new Promise<void>((resolve) =>
      ws.on('message', (d) => {
        if ((JSON.parse(d.toString()) as { type: string }).type === 'ack') resolve();
      }),
    );
    ws.send(
      JSON.stringify({
        v: 1,
        type: 'send',
        conversationId: group.body.id,
        clientMsgId,
        content: 'hi @bob',
        mentions: [bob.id],
      }),
    );
    await acked;
    // The send is a root span (a WebSocket frame has no incoming trace); find it by its tags.
    assert.ok(telemetry);
    const search = await eventually(
      async () => {
        const url = new URL(`${telemetry.jaegerQueryUrl}/api/traces`);
        url.searchParams.set('service', 'chat');
        url.searchParams.set('operation', 'ws.send');
        url.searchParams.set('tags', JSON.stringify({ 'message.client_id': clientMsgId }));
        url.searchParams.set('lookback', '1h');
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        return ((await res.json()) as { data: JaegerTrace[] | null }).data ?? [];
      },
      (found) => found.length > 0,
      60_000,
    );
    assert.equal(search.length, 1, 'one trace for the message');
    const traceId = search[0]?.traceID ?? '';
    // The search service (Go) continues the trace from the CloudEvent's traceparent, not from a header.
    const searchConsumed = (t: JaegerTrace) =>
      t.spans.filter(
        (s) => t.processes[s.processID]?.serviceName === 'search' && s.operationName === 'consume message.created',
      );
    // Its sidecar's spans can reach Jaeger before the app's batch: wait for the app's own span.
    const trace = await traceWith(
      traceId,
      ['chat', 'notification', 'search'],
      'POST /events/fanout/notification-created',
      undefined,
      (t) => searchConsumed(t).length > 0,
    );
    const operations = trace.spans.map((s) => s.operationName);
    const consumed = searchConsumed(trace);
    assert.equal(consumed.length, 1, `search indexed the message once in this trace (${JSON.stringify(operations)})`);
    const tags = new Map(consumed[0]?.tags.map((t) => [t.key, String(t.value)]));
    assert.equal(tags.get('span.kind'), 'consumer');
    assert.equal(tags.get('messaging.destination.name'), 'message.created');
    const fanout = trace.spans.filter((s) => s.operationName === 'POST /events/fanout/message-created');
    const instances = new Set(fanout.map((s) => s.processID));
    assert.ok(instances.size >= 2, `both chat instances pushed the message (${JSON.stringify(operations)})`);
    assert.deepEqual(
      orphans(trace).map((s) => s.operationName),
      [],
      'every span hangs off another span of this trace',
    );
  });
});
