import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startPlacement, startScheduler } from './control-plane.ts';
import { provisionDatabases, provisionStateDatabase, startKafka, startMariadb, startRedis } from './infra.ts';
import { type Ingress, startIngress } from './ingress.ts';
import { killStale, Supervisor } from './processes.ts';
import { loadProfile, renderConfig } from './resources.ts';
import { AppWithSidecar, type StackInfo } from './sidecar.ts';
import { startMailSink, startSmsSink } from './sinks.ts';
import { locateToolchain } from './toolchain.ts';
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
  /** Start only these apps of stack.json (all when absent). */
  onlyApps?: string[];
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

export type InfraName = 'mariadb' | 'redis' | 'kafka';

export const defaultRunDir = (name: string) => path.join(repoRoot, '.run', name);

/** Starts infrastructure, the Dapr control plane and every app with its sidecar, in order. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const progress = options.progress ?? (() => {});
  const runDir = options.runDir ?? defaultRunDir('dev');
  const topology = loadTopology({
    offset: options.portOffset ?? 0,
    ...(options.profile ? { profile: options.profile } : {}),
  });
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
    if (profile.needs.includes('local-sinks')) {
      progress('starting the local mail and SMS sinks');
      await startMailSink(sup, tools, infra);
      await startSmsSink(sup, infra);
    }
    progress('starting dapr placement and scheduler');
    const placement = await startPlacement(sup, tools, infra);
    const scheduler = await startScheduler(sup, tools, infra);
    const base = {
      runDir,
      topology,
      daprBin: tools.daprBin,
      configFile: renderConfig(topology, runDir),
      placement,
      scheduler,
      mariadbRootUrl: `mysql://root@127.0.0.1:${infra.mariadb.port}`,
    };
    const selected = topology.apps.filter((a) => !options.onlyApps || options.onlyApps.includes(a.id));
    const apps = options.withApps === false ? new Map() : await startApps(sup, base, selected, progress);
    // Last, once every app answers: Envoy is the one public entry and routes only to running apps.
    let ingress: Ingress | undefined;
    if (apps.size > 0) {
      progress('starting the envoy ingress with its sidecar');
      ingress = await startIngress(sup, tools, base, selected);
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
    const pair = new AppWithSidecar(sup, base, app, { calleeIds: ids, databaseUrl: accounts.get(app.id)?.url });
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
