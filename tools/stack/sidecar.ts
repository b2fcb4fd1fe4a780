import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { containerArgs, imageRef } from '../images/images.ts';
import { renderAppConfig } from './access-control.ts';
import type { IngressInfo } from './ingress.ts';
import { type ProcessSpec, type Running, type Supervisor, tailOf } from './processes.ts';
import { type ResourceOptions, renderResources, samplingRateOf } from './resources.ts';
import { type SentryInfo, trustAnchors } from './sentry.ts';
import { locateToolchain } from './toolchain.ts';
import { type AppSpec, instanceName, repoRoot, type Topology } from './topology.ts';
import { StartupError, waitForHttp } from './wait.ts';

/** What a running stack tells its users (the CLI, test suites): written to stack-info.json. */
export interface StackInfo {
  runDir: string;
  topology: Topology;
  daprBin: string;
  configFile: string;
  placement: string;
  scheduler: string;
  /** Dapr's CA: every sidecar gets its mTLS certificate from it. */
  sentry: SentryInfo;
  mariadbRootUrl: string;
  apps: RunningApp[];
  /** The Envoy ingress: the one public URL (absent when no app was started). */
  ingress?: IngressInfo;
  /** Jaeger and Prometheus, when the stack was started with observability. */
  telemetry?: TelemetryInfo;
}

export interface TelemetryInfo {
  /** OTLP/HTTP base URL the apps export spans to. */
  otlpHttpUrl: string;
  /** host:port of OTLP/gRPC, where the sidecars export their spans. */
  otlpGrpcEndpoint: string;
  jaegerQueryUrl: string;
  prometheusUrl?: string;
}

export interface RunningApp {
  id: string;
  instance: string;
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
  /** A sidecar with no app behind it (the ingress's): no app port, channel or health check. */
  withoutApp?: boolean;
  resources?: ResourceOptions;
  databaseUrl?: string | undefined;
  env?: Record<string, string>;
  extraResources?: string[];
}

const loopback = '127.0.0.1';

interface DaprdFiles {
  resourcesDir: string;
  configFile: string;
}

function daprdArgs(app: AppSpec, info: Omit<StackInfo, 'apps'>, files: DaprdFiles, withApp: boolean): string[] {
  const appArgs = [
    ...['--app-port', String(app.port), '--app-protocol', 'http', '--app-channel-address', loopback],
    ...['--enable-app-health-check', '--app-health-check-path', '/healthz'],
  ];
  return [
    ...['--app-id', app.id, ...(withApp ? appArgs : []), '--dapr-listen-addresses', loopback],
    ...['--dapr-http-port', String(app.dapr.httpPort), '--dapr-grpc-port', String(app.dapr.grpcPort)],
    ...['--dapr-internal-grpc-port', String(app.dapr.internalGrpcPort)],
    ...['--dapr-internal-grpc-listen-address', loopback],
    ...['--metrics-port', String(app.dapr.metricsPort), '--metrics-listen-address', loopback],
    ...['--resources-path', files.resourcesDir, '--config', files.configFile],
    // Uploads arrive base64 in the binding request's JSON: a third larger than the file.
    ...(app.dapr.maxBodySize ? ['--max-body-size', app.dapr.maxBodySize] : []),
    // Certificates from Sentry: mTLS to other sidecars and the control plane (DAPR_TRUST_ANCHORS).
    ...['--enable-mtls', '--sentry-address', info.sentry.address],
    ...['--placement-host-address', info.placement, '--scheduler-host-address', info.scheduler],
    ...['--log-level', 'info', '--dapr-graceful-shutdown-seconds', '5'],
  ];
}

/**
 * SOULCHAT_CPU_PROFILE_DIR=<dir> runs every app under `node --cpu-prof`, one profile per process
 * written there on exit (Node refuses the flag in NODE_OPTIONS). For measuring, never in tests.
 */
function profileArgs(): string[] {
  const dir = process.env.SOULCHAT_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/** How an app process is started: also used to restart just the app in crash tests. */
export function appProcessSpec(app: AppSpec, tokens: Tokens, options: SidecarOptions): ProcessSpec {
  const name = `${instanceName(app)}-app`;
  const env = {
    ...app.env,
    SERVICE_NAME: app.id,
    INSTANCE_NAME: instanceName(app),
    PORT: String(app.port),
    DAPR_HTTP_PORT: String(app.dapr.httpPort),
    DAPR_GRPC_PORT: String(app.dapr.grpcPort),
    DAPR_API_TOKEN: tokens.daprApiToken,
    APP_API_TOKEN: tokens.appApiToken,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  // SOULCHAT_APP_IMAGES=<tag> (npm run test:images): each app runs from its container image.
  const imageTagInUse = process.env.SOULCHAT_APP_IMAGES;
  if (imageTagInUse) {
    const ref = imageRef(app.id, imageTagInUse);
    // Only the Go app keeps files (its index); the Node apps' containers have nothing writable.
    const dataDir = app.runtime === 'go' ? options.env?.DATA_DIR : undefined;
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const args = containerArgs({
      ref,
      name: `soulchat-${name}-${app.port}`,
      envNames: Object.keys(env),
      ...(dataDir ? { dataDir } : {}),
    });
    return { name, command: 'podman', args, cwd: repoRoot, env };
  }
  if (app.runtime === 'go') return { name, command: goBinary(), args: [], cwd: repoRoot, env };
  const entry = path.join(repoRoot, app.workspace, app.entry);
  return { name, command: process.execPath, args: [...profileArgs(), '--import', 'tsx', entry], cwd: repoRoot, env };
}

/** The Go app's binary, keyed by a hash of its sources: an edit since setup needs a new build. */
function goBinary(): string {
  const bin = locateToolchain().searchBin;
  if (!existsSync(bin)) throw new StartupError(`${bin} is not built for these sources: run npm run setup`);
  return bin;
}

export interface Tokens {
  daprApiToken: string;
  appApiToken: string;
}

export const waitForApp = (app: AppSpec, proc: Running) =>
  waitForHttp(`${instanceName(app)} app`, `http://${loopback}:${app.port}/readyz`, {
    process: proc,
    timeoutMs: 60_000,
  });

/**
 * One Koa app and its daprd, with fresh API tokens. Besides starting both, it lets fault tests
 * kill, pause and restart either half.
 */
export class AppWithSidecar {
  readonly tokens: Tokens = {
    daprApiToken: randomBytes(24).toString('base64url'),
    appApiToken: randomBytes(24).toString('base64url'),
  };
  private readonly files: DaprdFiles;

  constructor(
    private readonly sup: Supervisor,
    private readonly info: Omit<StackInfo, 'apps'>,
    readonly spec: AppSpec,
    private readonly options: SidecarOptions,
  ) {
    const resourcesDir = renderResources(
      info.topology,
      info.runDir,
      instanceName(spec),
      options.calleeIds,
      options.extraResources,
      options.resources,
    );
    // The shared Configuration plus this app's access-control policies (who may call it).
    const configFile = renderAppConfig(info.topology, info.configFile, instanceName(spec), spec.id);
    this.files = { resourcesDir, configFile };
  }

  get appProcess(): string {
    return `${instanceName(this.spec)}-app`;
  }

  get sidecarProcess(): string {
    return `${instanceName(this.spec)}-daprd`;
  }

  /** Starts both and waits until the sidecar is healthy and the app reports ready. */
  async start(): Promise<RunningApp> {
    const app = this.sup.start(this.appProcessWithTracing());
    await failFastIfExits(app, this.startSidecar());
    await waitForApp(this.spec, app);
    return this.describe();
  }

  async startApp(): Promise<void> {
    await waitForApp(this.spec, this.sup.start(this.appProcessWithTracing()));
  }

  /** The app's process; it samples traces at the rate its sidecar's Configuration says. */
  private appProcessWithTracing(): ProcessSpec {
    const env = {
      TRACE_SAMPLE_RATIO: String(samplingRateOf(this.files.configFile)),
      // Where an app may keep files (the search index): per instance, in the run dir.
      DATA_DIR: path.join(this.info.runDir, 'data', instanceName(this.spec)),
      ...this.options.env,
    };
    return appProcessSpec(this.spec, this.tokens, { ...this.options, env });
  }

  /** Starts daprd; it is healthy only once the app port answers, so start the app first. */
  async startSidecar(): Promise<void> {
    const sidecar = this.sup.start({
      name: this.sidecarProcess,
      command: path.join(this.info.daprBin, 'daprd'),
      args: daprdArgs(this.spec, this.info, this.files, !this.options.withoutApp),
      env: {
        DAPR_HOST_IP: loopback,
        DAPR_API_TOKEN: this.tokens.daprApiToken,
        APP_API_TOKEN: this.tokens.appApiToken,
        DAPR_TRUST_ANCHORS: trustAnchors(this.info.sentry),
        // Components may use {podName}, e.g. a consumer group per chat instance.
        POD_NAME: instanceName(this.spec),
      },
    });
    await waitForHttp(
      `${instanceName(this.spec)} sidecar`,
      `http://${loopback}:${this.spec.dapr.httpPort}/v1.0/healthz`,
      {
        process: sidecar,
        timeoutMs: 90_000,
      },
    );
  }

  /** kill -9 (or another signal) to one half, then reaps it. */
  async kill(part: 'app' | 'sidecar', signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const name = part === 'app' ? this.appProcess : this.sidecarProcess;
    const proc = this.sup.get(name);
    proc?.child.kill(signal);
    await proc?.exited;
    await this.sup.stop(name);
  }

  /** SIGSTOP/SIGCONT: the process stays, but answers nothing while paused. */
  pause(part: 'app' | 'sidecar', paused: boolean): void {
    const name = part === 'app' ? this.appProcess : this.sidecarProcess;
    this.sup.get(name)?.child.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  }

  async stop(): Promise<void> {
    await this.sup.stop(this.appProcess);
    await this.sup.stop(this.sidecarProcess);
  }

  describe(): RunningApp {
    return {
      id: this.spec.id,
      instance: instanceName(this.spec),
      port: this.spec.port,
      daprHttpPort: this.spec.dapr.httpPort,
      daprGrpcPort: this.spec.dapr.grpcPort,
      ...this.tokens,
      ...(this.options.databaseUrl ? { databaseUrl: this.options.databaseUrl } : {}),
      appProcess: this.appProcess,
      sidecarProcess: this.sidecarProcess,
    };
  }
}

/**
 * Waits for `step`, unless the app dies first (a bad import, a bad setting): the sidecar would
 * otherwise wait out its whole timeout for a port nobody will open.
 */
async function failFastIfExits<T>(app: Running, step: Promise<T>): Promise<T> {
  let waiting = true;
  const died = new Promise<never>((_, reject) => {
    void app.exited.then((code) => {
      if (waiting)
        reject(
          new StartupError(`${app.name} exited (${code}) during start-up; log ${app.logFile}:\n${tailOf(app.logFile)}`),
        );
    });
  });
  died.catch(() => {});
  try {
    return await Promise.race([step, died]);
  } finally {
    waiting = false;
  }
}
