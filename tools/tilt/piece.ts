/**
 * Runs one piece of the stack in the foreground for Tilt (`tools/tilt/plan.ts` lists them):
 * `mariadb`, `redis`, `kafka`, `s3proxy`, `sentry`, `placement`, `scheduler`, `app:<instance>` (an app with its
 * sidecar; a Go app's binary is rebuilt first) or `<app>-bundle` (the web app's Vite build in watch
 * mode). It starts the piece with the same launcher code as `npm start`, streams its logs to
 * stdout, exits non-zero when a process dies, and stops everything on SIGTERM (Tilt's stop).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startPlacement, startScheduler } from '../stack/control-plane.ts';
import { provisionDatabases, provisionStateDatabase, startKafka, startMariadb, startRedis } from '../stack/infra.ts';
import { envoyProcess, startIngress } from '../stack/ingress.ts';
import { startObjectStore } from '../stack/object-store.ts';
import { killStale, type ProcessSpec, type Running, Supervisor } from '../stack/processes.ts';
import { loadProfile, renderConfig } from '../stack/resources.ts';
import { sentryPaths, startSentry } from '../stack/sentry.ts';
import { AppWithSidecar } from '../stack/sidecar.ts';
import { startMailSink, startSmsSink } from '../stack/sinks.ts';
import { locateToolchain } from '../stack/toolchain.ts';
import { expandReplicas, instanceName, loadTopology, repoRoot, type Topology } from '../stack/topology.ts';
import { tiltOptions } from './options.ts';

const options = tiltOptions(process.argv.slice(2));
const name = options.positionals[0] ?? '';
const topology = loadTopology({
  offset: options.portOffset,
  ...(options.profile ? { profile: options.profile } : {}),
});
const infra = topology.infrastructure;
const tools = locateToolchain();
/** Refuses new processes once stopping began, so a start still in flight cannot leak one. */
class PieceSupervisor extends Supervisor {
  closed = false;
  override start(spec: ProcessSpec): Running {
    if (this.closed) throw new Error(`${name} is stopping: not starting ${spec.name}`);
    return super.start(spec);
  }
}

// Each piece has its own supervisor folder (logs, pids, data), so pieces restart independently.
const pieceDir = path.join(options.runDir, 'pieces', name.replace(':', '-'));
await killStale(pieceDir);
const sup = new PieceSupervisor(pieceDir);

/** What sidecars need to know of the stack; the placement and scheduler are other pieces. */
const baseInfo = (topo: Topology) => ({
  runDir: options.runDir,
  topology: topo,
  daprBin: tools.daprBin,
  configFile: renderConfig(topo, options.runDir),
  placement: `127.0.0.1:${infra.placement.port}`,
  scheduler: `127.0.0.1:${infra.scheduler.port}`,
  // The sentry piece created the trust anchors in the shared run dir before this piece started.
  sentry: sentryPaths(infra, options.runDir).info,
  mariadbRootUrl: `mysql://root@127.0.0.1:${infra.mariadb.port}`,
});

/**
 * Tilt restarts a Go app's piece when its module folder changes: build the binary for the sources
 * as they are now (setup.sh keys it by their hash, so an unchanged tree costs nothing), its output
 * shown under the resource. A failed build fails the piece until the next change.
 */
async function buildGoApp(): Promise<void> {
  const build = spawn('bash', [path.join(repoRoot, 'tools/setup.sh'), '--search-only'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    build.once('error', reject);
    build.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`the Go build failed (exit ${code}): fix the code, Tilt restarts on the next change`);
}

async function startApp(topo: Topology, instance: string): Promise<string[]> {
  const app = topo.apps.flatMap(expandReplicas).find((a) => instanceName(a) === instance);
  if (!app) throw new Error(`no app instance ${instance} in stack.json`);
  if (app.runtime === 'go') await buildGoApp();
  const accounts = await provisionDatabases(infra, [app]);
  const base = baseInfo(topo);
  const pair = new AppWithSidecar(sup, base, app, {
    calleeIds: topo.apps.map((a) => a.id),
    databaseUrl: accounts.get(app.id)?.url,
  });
  await pair.start();
  return [pair.appProcess, pair.sidecarProcess];
}

/** Drains Envoy before its processes stop (set once the ingress is up). */
let beforeStop: (() => Promise<void>) | undefined;

/** Envoy and its sidecar, routing to every app of stack.json (Tilt starts it after them). */
async function startEnvoy(topo: Topology): Promise<string[]> {
  const base = baseInfo(topo);
  const ingress = await startIngress(sup, tools, base, topo.apps);
  beforeStop = () => ingress.stop();
  console.log(`[tilt] SoulChat: ${ingress.info.url}`);
  return [ingress.info.sidecarProcess, envoyProcess];
}

/** Vite rebuilds the web app on every change; up once its first build wrote a new page. */
async function startBundle(): Promise<string[]> {
  const page = path.join(repoRoot, 'packages/web-app/dist/index.html');
  const before = existsSync(page) ? statSync(page).mtimeMs : 0;
  const watcher = sup.start({
    name,
    command: 'npm',
    args: ['run', 'build', '-w', '@soulchat/web-app', '--', '--watch'],
    cwd: repoRoot,
  });
  const deadline = Date.now() + 120_000;
  while (!(existsSync(page) && statSync(page).mtimeMs > before)) {
    if (Date.now() > deadline) throw new Error(`no build of the web app within 120 s (log: ${watcher.logFile})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return [name];
}

async function start(): Promise<string[]> {
  switch (name) {
    case 'mariadb':
      await startMariadb(sup, infra);
      if (loadProfile(topology.profile).needs.includes('state-database')) {
        await provisionStateDatabase(infra, options.runDir);
      }
      return ['mariadb'];
    case 'redis':
      await startRedis(sup, tools, infra);
      return ['redis'];
    case 'kafka':
      await startKafka(sup, tools, infra);
      return ['kafka'];
    case 's3proxy':
      await startObjectStore(sup, tools, infra.objectStore, options.runDir);
      return ['s3proxy'];
    case 'mail-sink':
      await startMailSink(sup, tools, infra);
      return ['mail-sink'];
    case 'sms-sink':
      await startSmsSink(sup, infra);
      return ['sms-sink'];
    case 'sentry':
      // Its credentials live in the shared run dir (not this piece's): the other pieces read ca.crt.
      await startSentry(sup, tools, infra, options.runDir, renderConfig(topology, options.runDir));
      return ['sentry'];
    case 'placement':
      await startPlacement(sup, tools, infra, sentryPaths(infra, options.runDir).info);
      return ['placement'];
    case 'scheduler':
      await startScheduler(sup, tools, infra, sentryPaths(infra, options.runDir).info);
      return ['scheduler'];
    default:
      if (name.startsWith('app:')) return startApp(topology, name.slice(4));
      if (name === 'envoy') return startEnvoy(topology);
      if (name.endsWith('-bundle')) return startBundle();
      throw new Error(`unknown piece "${name}"`);
  }
}

// Every caller (signal, failure) waits for the same stop before exiting.
let stopping: Promise<void> | undefined;
async function stop(code: number): Promise<never> {
  sup.closed = true;
  stopping ??= (async () => {
    await beforeStop?.().catch(() => {});
    await sup.stopAll();
  })();
  await stopping;
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
// If Tilt itself dies, its children are re-parented: stop rather than linger as orphans.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && void stop(0), 1000).unref();

try {
  const names = await start();
  // Logs go to files (as with `npm start`); follow them so Tilt shows them under the resource.
  const logs = names.map((n) => sup.get(n)?.logFile ?? '').filter(Boolean);
  const follow = spawn('tail', ['-n', '+1', '-F', ...logs], { stdio: ['ignore', 'inherit', 'inherit'] });
  process.on('exit', () => follow.kill());
  // A marker beside the pids: tests read it after Tilt exits, when the log stream may be cut short.
  writeFileSync(path.join(pieceDir, 'up'), new Date().toISOString());
  console.log(`[tilt] ${name} is up`);
  const exited = await Promise.race(names.map((n) => sup.get(n)?.exited.then((code) => ({ n, code }))));
  console.error(`[tilt] ${exited?.n} exited with ${exited?.code}`);
  await stop(1);
} catch (err) {
  console.error(`[tilt] ${name} failed: ${(err as Error).message}`);
  await stop(1);
}
