import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Supervisor } from './processes.ts';
import { fillTemplate } from './resources.ts';
import { type PrometheusSettings, type ScrapeTarget, scrapeTargets, writePrometheusConfig } from './scrape-config.ts';
import type { Toolchain } from './toolchain.ts';
import { type ObservabilitySpec, repoRoot, type Topology } from './topology.ts';
import { portOpen, StartupError, waitForHttp, waitUntil } from './wait.ts';

export type JaegerPorts = ObservabilitySpec['jaeger'];
const loopback = '127.0.0.1';
const jaegerTemplate = path.join(repoRoot, 'dapr/observability/jaeger.yaml');

export interface JaegerEndpoints {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP; the SDK appends /v1/traces). */
  otlpHttpUrl: string;
  otlpGrpcEndpoint: string;
  /** The query API (/api/traces/<id>, /api/v3/...) and the UI. */
  queryUrl: string;
}

/** Both binaries come only with `setup.sh --observability`: say so instead of a bare ENOENT. */
function requireBinary(what: string, file: string | undefined): string {
  try {
    if (!file) throw new Error('not in tools/paths.sh');
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    throw new StartupError(`${what} is not installed (${file ?? 'no path'}): run tools/setup.sh --observability`);
  }
}

function observabilityDir(runDir: string): string {
  const dir = path.join(runDir, 'observability');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Fills dapr/observability/jaeger.yaml with the ports and writes it to the run dir. */
export function renderJaegerConfig(ports: JaegerPorts, runDir: string): string {
  const file = path.join(observabilityDir(runDir), 'jaeger.yaml');
  const text = fillTemplate(readFileSync(jaegerTemplate, 'utf8'), {
    JAEGER_OTLP_GRPC_PORT: String(ports.otlpGrpcPort),
    JAEGER_OTLP_HTTP_PORT: String(ports.otlpHttpPort),
    JAEGER_QUERY_PORT: String(ports.queryPort),
    JAEGER_QUERY_GRPC_PORT: String(ports.queryGrpcPort),
    JAEGER_METRICS_PORT: String(ports.metricsPort),
    JAEGER_MAX_TRACES: String(ports.maxTraces),
  });
  writeFileSync(file, text);
  return file;
}

/** Jaeger v2 with in-memory storage; ready once its query API answers and OTLP/HTTP listens. */
export async function startJaeger(
  sup: Supervisor,
  tools: Toolchain,
  ports: JaegerPorts,
  runDir: string,
): Promise<JaegerEndpoints> {
  const command = requireBinary('jaeger', tools.jaegerBin);
  const config = renderJaegerConfig(ports, runDir);
  const proc = sup.start({ name: 'jaeger', command, args: ['--config', config] });
  const queryUrl = `http://${loopback}:${ports.queryPort}`;
  // The collector starts extensions (query) before receivers: wait for both.
  await waitForHttp('jaeger query', `${queryUrl}/api/services`, { process: proc });
  await waitUntil(`jaeger OTLP/HTTP (port ${ports.otlpHttpPort})`, () => portOpen(ports.otlpHttpPort), {
    process: proc,
  });
  return {
    otlpHttpUrl: `http://${loopback}:${ports.otlpHttpPort}`,
    otlpGrpcEndpoint: `${loopback}:${ports.otlpGrpcPort}`,
    queryUrl,
  };
}

/** prometheus.yml for the stack of stack.json (every target of scrapeTargets); returns its path. */
export function renderPrometheusConfig(topology: Topology, runDir: string): string {
  if (!topology.observability) throw new Error('stack.json has no "observability" section');
  return writePrometheusConfig(scrapeTargets(topology), topology.observability.prometheus, runDir);
}

/**
 * Prometheus scraping `targets` (scrapeTargets(topology) for a stack) with the alert rules of
 * dapr/observability/alerts.yml; its TSDB lives in the run dir. Ready when /-/ready answers.
 */
export async function startPrometheus(
  sup: Supervisor,
  tools: Toolchain,
  settings: PrometheusSettings,
  runDir: string,
  targets: ScrapeTarget[],
): Promise<{ url: string }> {
  const command = requireBinary('prometheus', tools.prometheusBin);
  const config = writePrometheusConfig(targets, settings, runDir);
  const url = `http://${loopback}:${settings.port}`;
  const proc = sup.start({
    name: 'prometheus',
    command,
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(observabilityDir(runDir), 'prometheus-data')}`,
      `--storage.tsdb.retention.time=${settings.retention}`,
      `--web.listen-address=${loopback}:${settings.port}`,
      // POST /-/reload picks up a regenerated prometheus.yml (an app added) without a restart.
      '--web.enable-lifecycle',
    ],
  });
  await waitForHttp('prometheus', `${url}/-/ready`, { process: proc, timeoutMs: 90_000 });
  return { url };
}
