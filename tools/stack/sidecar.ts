import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ProcessSpec, Running, Supervisor } from './processes.ts';
import { renderResources } from './resources.ts';
import { type AppSpec, repoRoot, type Topology } from './topology.ts';
import { waitForHttp } from './wait.ts';

/** What a running stack tells its users (the CLI, test suites): written to stack-info.json. */
export interface StackInfo {
  runDir: string;
  topology: Topology;
  daprBin: string;
  configFile: string;
  placement: string;
  scheduler: string;
  mariadbRootUrl: string;
  apps: RunningApp[];
}

export interface RunningApp {
  id: string;
  port: number;
  daprHttpPort: number;
  daprGrpcPort: number;
  daprApiToken: string;
  appApiToken: string;
  databaseUrl?: string;
  appProcess: string;
  sidecarProcess: string;
}

export interface SidecarOptions {
  /** App ids this app may call; each gets the resiliency policy for invocation. */
  calleeIds: string[];
  databaseUrl?: string | undefined;
  env?: Record<string, string>;
  extraResources?: string[];
}

const loopback = '127.0.0.1';

function daprdArgs(app: AppSpec, info: Omit<StackInfo, 'apps'>, resourcesDir: string): string[] {
  return [
    ...['--app-id', app.id, '--app-port', String(app.port), '--app-protocol', 'http'],
    ...['--app-channel-address', loopback, '--dapr-listen-addresses', loopback],
    ...['--dapr-http-port', String(app.dapr.httpPort), '--dapr-grpc-port', String(app.dapr.grpcPort)],
    ...['--dapr-internal-grpc-port', String(app.dapr.internalGrpcPort)],
    ...['--dapr-internal-grpc-listen-address', loopback],
    ...['--metrics-port', String(app.dapr.metricsPort), '--metrics-listen-address', loopback],
    ...['--resources-path', resourcesDir, '--config', info.configFile],
    ...['--placement-host-address', info.placement, '--scheduler-host-address', info.scheduler],
    ...['--enable-app-health-check', '--app-health-check-path', '/healthz'],
    ...['--log-level', 'info', '--dapr-graceful-shutdown-seconds', '5'],
  ];
}

/** How an app process is started: also used to restart just the app in crash tests. */
export function appProcessSpec(app: AppSpec, tokens: Tokens, options: SidecarOptions): ProcessSpec {
  return {
    name: `${app.id}-app`,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(repoRoot, app.workspace, app.entry)],
    cwd: repoRoot,
    env: {
      SERVICE_NAME: app.id,
      PORT: String(app.port),
      DAPR_HTTP_PORT: String(app.dapr.httpPort),
      DAPR_GRPC_PORT: String(app.dapr.grpcPort),
      DAPR_API_TOKEN: tokens.daprApiToken,
      APP_API_TOKEN: tokens.appApiToken,
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...options.env,
    },
  };
}

export interface Tokens {
  daprApiToken: string;
  appApiToken: string;
}

export const waitForApp = (app: AppSpec, proc: Running) =>
  waitForHttp(`${app.id} app`, `http://${loopback}:${app.port}/readyz`, { process: proc, timeoutMs: 60_000 });

/**
 * Starts one Koa app and its daprd, each with fresh API tokens, and waits until the sidecar
 * is healthy and the app reports ready (its sidecar and database reachable).
 */
export async function startAppWithSidecar(
  sup: Supervisor,
  info: Omit<StackInfo, 'apps'>,
  app: AppSpec,
  options: SidecarOptions,
): Promise<RunningApp> {
  const tokens: Tokens = {
    daprApiToken: randomBytes(24).toString('base64url'),
    appApiToken: randomBytes(24).toString('base64url'),
  };
  const resourcesDir = renderResources(info.topology, info.runDir, app.id, options.calleeIds, options.extraResources);
  const appSpec = appProcessSpec(app, tokens, options);
  const appProc = sup.start(appSpec);
  const sidecarProcess = `${app.id}-daprd`;
  const sidecar = sup.start({
    name: sidecarProcess,
    command: path.join(info.daprBin, 'daprd'),
    args: daprdArgs(app, info, resourcesDir),
    env: { DAPR_HOST_IP: loopback, DAPR_API_TOKEN: tokens.daprApiToken, APP_API_TOKEN: tokens.appApiToken },
  });
  await waitForHttp(`${app.id} sidecar`, `http://${loopback}:${app.dapr.httpPort}/v1.0/healthz`, {
    process: sidecar,
    timeoutMs: 90_000,
  });
  await waitForApp(app, appProc);
  return {
    id: app.id,
    port: app.port,
    daprHttpPort: app.dapr.httpPort,
    daprGrpcPort: app.dapr.grpcPort,
    ...tokens,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    appProcess: appSpec.name,
    sidecarProcess,
  };
}
