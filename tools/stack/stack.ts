import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startPlacement, startScheduler } from './control-plane.ts';
import { provisionDatabases, provisionStateDatabase, startKafka, startMariadb, startRedis } from './infra.ts';
import { type Ingress, startIngress } from './ingress.ts';
import { startObjectStore } from './object-store.ts';
import { startJaeger, startPrometheus } from './observability.ts';
import { killStale, Supervisor } from './processes.ts';
import { loadProfile, renderConfig } from './resources.ts';
import { scrapeTargets } from './scrape-config.ts';
import { startSentry } from './sentry.ts';
import { AppWithSidecar, type StackInfo, type TelemetryInfo } from './sidecar.ts';
import { startMailSink, startSmsSink } from './sinks.ts';
import { locateToolchain, type Toolchain } from './toolchain.ts';
import { type AppSpec, expandReplicas, instanceName, loadTopology, repoRoot, type Topology } from './topology.ts';
import { portOpen } from './wait.ts';

export interface StackOptions {
  /** Folder for data, logs and rendered config; one per stack. */
  runDir?: string;
  /** Added to every port in stack.json so stacks can run side by side. */
  portOffset?: number;
  profile?: string;
  /** Start the apps of stack.json (default) or none (infrastructure and control plane only). */
  withApps?: boolean;
  /** Also start Jaeger (traces from apps and sidecars) and Prometheus (scraping everything). */
  observability?: boolean;
  /** Start only these apps of stack.json (all when absent). */
  onlyApps?: string[];
  /** Instances per app instead of stack.json's `replicas` (e.g. the scaling measurement's 4 chats). */
  replicas?: Record<string, number>;
  /** The share of traces sampled, instead of dapr/config's samplingRate (sidecars and apps alike). */
  traceSampleRatio?: number;
  progress?: (message: string) => void;
}

export interface Stack {
  info: StackInfo;
  supervisor: Supervisor;
  /** Each app instance with its sidecar, by instance name (the app id when it has one instance). */
  apps: Map<string, AppWithSidecar>;
  /** Stops one infrastructure process and starts it again on the same data (fault tests). */
  restartInfrastructure(name: InfraName): Promise<void>;
  stop(): Promise<void>;
}

export type InfraName = 'mariadb' | 'redis' | 'kafka' | 's3proxy';

export const defaultRunDir = (name: string) => path.join(repoRoot, '.run', name);

/** Starts infrastructure, the Dapr control plane and every app with its sidecar, in order. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const progress = options.progress ?? (() => {});
  const runDir = options.runDir ?? defaultRunDir('dev');
  const topology = loadTopology({
    offset: options.portOffset ?? 0,
    ...(options.profile ? { profile: options.profile } : {}),
  });
  for (const app of topology.apps) app.replicas = options.replicas?.[app.id] ?? app.replicas;
  const profile = loadProfile(topology.profile);
  const tools = locateToolchain();
  const stale = await killStale(runDir);
  if (stale > 0) progress(`stopped ${stale} processes left by an earlier run`);
  await refuseBusyPorts(topology);
  const sup = new Supervisor(runDir);
  const stop = () => sup.stopAll();
  try {
    const infra = topology.infrastructure;
    const starters: Record<InfraName, () => Promise<void>> = {
      mariadb: () => startMariadb(sup, infra),
      redis: () => startRedis(sup, tools, infra),
      kafka: () => startKafka(sup, tools, infra),
      s3proxy: () => startObjectStore(sup, tools, infra.objectStore, runDir),
    };
    const restartInfrastructure = async (name: InfraName) => {
      await sup.stop(name);
      await starters[name]();
    };
    progress('starting mariadb');
    await startMariadb(sup, infra);
    if (profile.needs.includes('state-database')) await provisionStateDatabase(infra, runDir);
    if (profile.needs.includes('redis')) {
      progress('starting redis');
      await startRedis(sup, tools, infra);
    }
    if (profile.needs.includes('kafka')) {
      progress('starting kafka');
      await startKafka(sup, tools, infra);
    }
    if (profile.needs.includes('object-store')) {
      progress('starting s3proxy (object storage)');
      await startObjectStore(sup, tools, infra.objectStore, runDir);
    }
    if (profile.needs.includes('local-sinks')) {
      progress('starting the local mail and SMS sinks');
      await startMailSink(sup, tools, infra);
      await startSmsSink(sup, infra);
    }
    const telemetry = options.observability ? await startTracing(sup, tools, topology, runDir, progress) : undefined;
    progress('starting dapr sentry, placement and scheduler');
    // Sentry first: placement, scheduler and every sidecar take their mTLS certificates from it.
    const configFile = renderConfig(topology, runDir, telemetry?.otlpGrpcEndpoint, options.traceSampleRatio);
    const sentry = await startSentry(sup, tools, infra, runDir, configFile);
    const placement = await startPlacement(sup, tools, infra, sentry);
    const scheduler = await startScheduler(sup, tools, infra, sentry);
    const base = {
      runDir,
      topology,
      daprBin: tools.daprBin,
      configFile,
      placement,
      scheduler,
      sentry,
      mariadbRootUrl: `mysql://root@127.0.0.1:${infra.mariadb.port}`,
      ...(telemetry ? { telemetry } : {}),
    };
    const selected = topology.apps.filter((a) => !options.onlyApps || options.onlyApps.includes(a.id));
    const apps = options.withApps === false ? new Map() : await startApps(sup, base, selected, progress);
    // Last, once every app answers: Envoy is the one public entry and routes only to running apps.
    let ingress: Ingress | undefined;
    if (apps.size > 0) {
      progress('starting the envoy ingress with its sidecar');
      ingress = await startIngress(sup, tools, base, selected);
    }
    if (telemetry) {
      progress('starting prometheus');
      telemetry.prometheusUrl = (await startMetricsScraper(sup, tools, topology, runDir, selected)).url;
    }
    const info: StackInfo = {
      ...base,
      apps: [...apps.values()].map((a) => a.describe()),
      ...(ingress ? { ingress: ingress.info } : {}),
    };
    writeFileSync(path.join(runDir, 'stack-info.json'), JSON.stringify(info, null, 2));
    const stopInOrder = async () => {
      await ingress?.stop();
      await stop();
    };
    return { info, supervisor: sup, apps, restartInfrastructure, stop: stopInOrder };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startApps(
  sup: Supervisor,
  base: Omit<StackInfo, 'apps'>,
  apps: AppSpec[],
  progress: (m: string) => void,
): Promise<Map<string, AppWithSidecar>> {
  const accounts = await provisionDatabases(base.topology.infrastructure, apps);
  // Every app may call any app of the topology, itself included (replicas of one id).
  const ids = base.topology.apps.map((a) => a.id);
  const running = new Map<string, AppWithSidecar>();
  for (const app of apps.flatMap(expandReplicas)) {
    progress(`starting ${instanceName(app)} with its sidecar`);
    const pair = new AppWithSidecar(sup, base, app, {
      calleeIds: ids,
      databaseUrl: accounts.get(app.id)?.url,
      ...(base.telemetry ? { env: { OTEL_EXPORTER_OTLP_ENDPOINT: base.telemetry.otlpHttpUrl } } : {}),
    });
    await pair.start();
    running.set(instanceName(app), pair);
  }
  return running;
}

/**
 * Another stack (or anything else) on one of our ports would answer our readiness checks and
 * requests as if it were ours: refuse to start instead.
 */
async function refuseBusyPorts(topology: Topology): Promise<void> {
  const ports: number[] = [];
  const collect = (value: unknown, key = '') => {
    if (typeof value === 'number' && /port/i.test(key)) ports.push(value);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, k);
  };
  collect({
    infrastructure: topology.infrastructure,
    ingress: topology.ingress,
    apps: topology.apps.flatMap(expandReplicas),
  });
  const busy = [];
  for (const port of ports) if (await portOpen(port)) busy.push(port);
  if (busy.length > 0) {
    throw new Error(
      `ports ${busy.join(', ')} are in use: is another stack running? Stop it or pass another --port-offset`,
    );
  }
}

async function startTracing(
  sup: Supervisor,
  tools: Toolchain,
  topology: Topology,
  runDir: string,
  progress: (m: string) => void,
): Promise<TelemetryInfo> {
  if (!topology.observability) throw new Error('stack.json has no "observability" section');
  progress('starting jaeger');
  const jaeger = await startJaeger(sup, tools, topology.observability.jaeger, runDir);
  return {
    otlpHttpUrl: jaeger.otlpHttpUrl,
    otlpGrpcEndpoint: jaeger.otlpGrpcEndpoint,
    jaegerQueryUrl: jaeger.queryUrl,
  };
}

/** Scrapes the apps this stack runs (a partial stack has no down targets to alert on). */
async function startMetricsScraper(
  sup: Supervisor,
  tools: Toolchain,
  topology: Topology,
  runDir: string,
  apps: AppSpec[],
) {
  if (!topology.observability) throw new Error('stack.json has no "observability" section');
  return startPrometheus(sup, tools, topology.observability.prometheus, runDir, scrapeTargets(topology, apps));
}
