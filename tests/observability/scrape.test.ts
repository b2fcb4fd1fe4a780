import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call } from '../harness/http.ts';
import { appUrl, eventually, sharedStack } from '../harness/stack.ts';

const telemetry = sharedStack().telemetry;

interface Target {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}

async function prometheus<T>(path: string): Promise<T> {
  assert.ok(telemetry?.prometheusUrl);
  const res = await fetch(`${telemetry.prometheusUrl}${path}`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { status: string; data: T };
  assert.equal(body.status, 'success', path);
  return body.data;
}

/** The value of a PromQL expression that yields one number (0 when it yields nothing). */
async function scalar(expr: string): Promise<number> {
  const data = await prometheus<{ result: Array<{ value: [number, string] }> }>(
    `/api/v1/query?query=${encodeURIComponent(expr)}`,
  );
  return Number(data.result[0]?.value[1] ?? 0);
}

describe('Prometheus scrapes the whole stack', { skip: !telemetry?.prometheusUrl }, () => {
  test('every target (apps, sidecars, control plane, Envoy, Jaeger) is up', async () => {
    const targets = await eventually(
      async () => (await prometheus<{ activeTargets: Target[] }>('/api/v1/targets')).activeTargets,
      (t) => t.length > 0 && t.every((x) => x.health === 'up'),
      30_000,
    );
    const down = targets.filter((t) => t.health !== 'up').map((t) => `${t.labels.instance}: ${t.lastError}`);
    assert.deepEqual(down, []);
    const jobs = new Set(targets.map((t) => t.labels.job));
    for (const job of ['apps', 'sidecars', 'dapr-control-plane', 'envoy']) assert.ok(jobs.has(job), `job ${job}`);
    const services = new Set(targets.filter((t) => t.labels.job === 'apps').map((t) => t.labels.service));
    // Every app of the stack, Node or Go (search serves client_golang's exposition).
    for (const s of new Set(sharedStack().apps.map((a) => a.id))) assert.ok(services.has(s), `the ${s} app is scraped`);
  });

  test('the request counters move: requests made now show up in the next scrape', async () => {
    const expr = 'sum(http_requests_total{service="profile",endpoint="/profiles/:userId",status="401"})';
    const before = await scalar(expr);
    for (let i = 0; i < 5; i++) {
      const res = await call(`${appUrl('profile')}/profiles/nobody`);
      assert.equal(res.status, 401);
    }
    const after = await eventually(
      () => scalar(expr),
      (v) => v >= before + 5,
      30_000,
    );
    assert.ok(after >= before + 5, `${expr}: ${before} -> ${after}`);
  });

  test("the services' domain metrics and the sidecars' own metrics are collected", async () => {
    for (const name of [
      'soulchat_outbox_pending_events',
      'soulchat_websocket_connections',
      'dapr_http_server_request_count',
    ]) {
      const series = await eventually(
        () => scalar(`count(${name})`),
        (n) => n > 0,
        30_000,
      );
      assert.ok(series > 0, `${name} has series`);
    }
  });
});
