/**
 * The observability processes on their own: Jaeger and Prometheus built by
 * `setup.sh --observability`, started by tools/stack/observability.ts on free ports in a temp
 * run dir, each doing its one job once; the alert rules and dashboard queries checked by them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  type JaegerEndpoints,
  renderPrometheusConfig,
  startJaeger,
  startPrometheus,
} from '../../tools/stack/observability.ts';
import { Supervisor } from '../../tools/stack/processes.ts';
import { alertRulesFile } from '../../tools/stack/scrape-config.ts';
import { locateToolchain, type Toolchain } from '../../tools/stack/toolchain.ts';
import { expandReplicas, instanceName, loadTopology, repoRoot } from '../../tools/stack/topology.ts';
import { eventually, freePorts, getJson } from '../harness/stack.ts';
import { alertGroups, dashboardQueries } from './promql.ts';

interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}
type Vector = { metric: Record<string, string>; value: [number, string] }[];
type Rules = { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
interface JaegerTrace {
  data?: { traceID: string; spans: { spanID: string; operationName: string; processID: string }[] }[];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** One span, as an OpenTelemetry SDK would export it over OTLP/HTTP JSON. */
function otlpSpan(traceId: string, spanId: string) {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'observability-test' } }] },
        scopeSpans: [
          {
            scope: { name: 'tests/observability' },
            spans: [
              {
                traceId,
                spanId,
                name: 'probe the pipeline',
                kind: 2,
                startTimeUnixNano: String(now - 5_000_000n),
                endTimeUnixNano: String(now),
                attributes: [{ key: 'soulchat.test', value: { stringValue: 'infra' } }],
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('Jaeger and Prometheus built from their Go modules', { timeout: 2_400_000 }, () => {
  const runDir = mkdtempSync(path.join(tmpdir(), 'soulchat-observability-'));
  const sup = new Supervisor(runDir);
  const started: number[] = [];
  let tools: Toolchain;
  let target: http.Server | undefined;

  before(() => {
    // Opt-in builds (minutes cold), cached after the first run, like Tilt's.
    const setup = spawnSync('bash', ['tools/setup.sh', '--observability'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 2_100_000,
    });
    assert.equal(setup.status, 0, `setup --observability failed:\n${setup.stdout}${setup.stderr}`);
    tools = locateToolchain();
  });

  after(async () => {
    await sup.stopAll();
    target?.close();
    rmSync(runDir, { recursive: true, force: true });
  });

  test('the stack scrape config has every app instance, sidecar, the control plane and Envoy; promtool accepts it', () => {
    const topology = loadTopology({ offset: 6000 });
    const file = renderPrometheusConfig(topology, path.join(runDir, 'stack'));
    const config = parse(readFileSync(file, 'utf8')) as {
      global: { scrape_interval: string };
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        metrics_path: string;
        static_configs: { targets: string[]; labels: { service: string; instance: string } }[];
      }[];
    };
    assert.equal(config.global.scrape_interval, '5s');
    assert.deepEqual(config.rule_files, [alertRulesFile]);
    const job = (name: string) => config.scrape_configs.find((j) => j.job_name === name);
    const labelsAt = (name: string, port: number) =>
      job(name)?.static_configs.find((s) => s.targets.includes(`127.0.0.1:${port}`))?.labels;
    for (const app of topology.apps.flatMap(expandReplicas)) {
      const labels = { service: app.id, instance: instanceName(app) };
      assert.deepEqual(labelsAt('apps', app.port), labels, `${instanceName(app)} /metrics`);
      assert.deepEqual(labelsAt('sidecars', app.dapr.metricsPort), labels, `${instanceName(app)} sidecar`);
    }
    const infra = topology.infrastructure;
    assert.equal(labelsAt('dapr-control-plane', infra.placement.metricsPort)?.service, 'placement');
    assert.equal(labelsAt('dapr-control-plane', infra.scheduler.metricsPort)?.service, 'scheduler');
    assert.equal(labelsAt('dapr-control-plane', infra.sentry.metricsPort)?.service, 'sentry');
    assert.equal(labelsAt('sidecars', topology.ingress.dapr.metricsPort)?.service, 'ingress');
    assert.equal(labelsAt('envoy', topology.ingress.adminPort)?.instance, 'envoy');
    assert.equal(job('envoy')?.metrics_path, '/stats/prometheus');
    assert.equal(job('apps')?.metrics_path, '/metrics');
    // promtool checks the scrape config and the rule files it names.
    assert.ok(tools.promtoolBin);
    const check = spawnSync(tools.promtoolBin, ['check', 'config', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });

  test('promtool validates the alert rules', () => {
    assert.ok(tools.promtoolBin);
    const check = spawnSync(tools.promtoolBin, ['check', 'rules', alertRulesFile], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    const rules = alertGroups().reduce((n, g) => n + g.rules.length, 0);
    assert.match(check.stdout, new RegExp(`SUCCESS: ${rules} rules found`));
  });

  test('Jaeger stores a span sent over OTLP/HTTP and returns it from the query API', async () => {
    const [otlpGrpcPort = 0, otlpHttpPort = 0, queryPort = 0, queryGrpcPort = 0, metricsPort = 0] = await freePorts(5);
    const jaeger: JaegerEndpoints = await startJaeger(
      sup,
      tools,
      { otlpGrpcPort, otlpHttpPort, queryPort, queryGrpcPort, metricsPort, maxTraces: 1000 },
      runDir,
    );
    started.push(sup.get('jaeger')?.child.pid ?? 0);
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const sent = await fetch(`${jaeger.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(otlpSpan(traceId, spanId)),
    });
    assert.equal(sent.status, 200, await sent.text());
    // Stored after the batch processor's short timeout: poll the query API.
    const found = await eventually(
      () => getJson<JaegerTrace>(`${jaeger.queryUrl}/api/traces/${traceId}`),
      (r) => r.status === 200 && (r.body.data?.[0]?.spans.length ?? 0) > 0,
      20_000,
    );
    assert.equal(found.status, 200, JSON.stringify(found.body));
    const span = found.body.data?.[0]?.spans[0];
    assert.equal(span?.spanID, spanId);
    assert.equal(span?.operationName, 'probe the pipeline');
    const services = await getJson<{ data: string[] }>(`${jaeger.queryUrl}/api/services`);
    assert.ok(services.body.data.includes('observability-test'), JSON.stringify(services.body));
  });

  test('Prometheus scrapes a target with its service and instance labels and loads every alert rule group', async () => {
    const [promPort = 0, targetPort = 0] = await freePorts(2);
    target = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        '# HELP soulchat_probe_value A value to find.\n# TYPE soulchat_probe_value gauge\nsoulchat_probe_value 42\n',
      );
    });
    await new Promise<void>((resolve) => target?.listen(targetPort, '127.0.0.1', resolve));
    const prometheus = await startPrometheus(
      sup,
      tools,
      { port: promPort, scrapeIntervalSeconds: 1, retention: '1h' },
      runDir,
      [{ job: 'probe', service: 'probe', instance: 'probe-1', port: targetPort, metricsPath: '/metrics' }],
    );
    started.push(sup.get('prometheus')?.child.pid ?? 0);
    const query = (q: string) =>
      getJson<PromResponse<{ result: Vector }>>(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(q)}`);
    const scraped = await eventually(
      () => query('soulchat_probe_value'),
      (r) => (r.body.data?.result.length ?? 0) > 0,
      30_000,
    );
    const sample = scraped.body.data.result[0];
    assert.equal(sample?.value[1], '42');
    assert.equal(sample?.metric.service, 'probe');
    assert.equal(sample?.metric.instance, 'probe-1');
    assert.equal(sample?.metric.job, 'probe');

    // Each rule is evaluated once a second here: all must have run without error.
    const rules = await eventually(
      () => getJson<PromResponse<Rules>>(`${prometheus.url}/api/v1/rules`),
      (r) => r.body.data.groups.flatMap((g) => g.rules).every((rule) => rule.health !== 'unknown'),
      30_000,
    );
    assert.deepEqual(
      rules.body.data.groups.map((g) => g.name).sort(),
      alertGroups()
        .map((g) => g.name)
        .sort(),
    );
    const unhealthy = rules.body.data.groups
      .flatMap((g) => g.rules)
      .filter((r) => r.health !== 'ok')
      .map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`);
    assert.deepEqual(unhealthy, []);

    // Every dashboard query is valid PromQL once Grafana's variables are filled in.
    const grafana = (expr: string) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$service', '.*');
    const refused: string[] = [];
    for (const q of dashboardQueries().filter((x) => !x.expr.startsWith('label_values('))) {
      const r = await query(grafana(q.expr));
      if (r.body.status !== 'success') refused.push(`${q.where}: ${r.body.error}`);
    }
    assert.deepEqual(refused, []);
  });

  test('stopping them leaves no process behind', async () => {
    assert.equal(started.length, 2);
    await sup.stopAll();
    const left = await eventually(
      async () => started.filter(alive),
      (pids) => pids.length === 0,
      10_000,
    );
    assert.deepEqual(left, []);
  });
});
