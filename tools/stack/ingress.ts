/**
 * The Envoy ingress with its own daprd (app id `ingress`, no app behind it), the pattern of Dapr's
 * reference apps: Envoy turns /login into /v1.0/invoke/user/method/login on that sidecar, and
 * sends the chat WebSocket straight to the chat instances.
 */
import { ingressAppId } from './access-control.ts';
import { renderIngressConfig } from './ingress-config.ts';
import type { Supervisor } from './processes.ts';
import { AppWithSidecar, type StackInfo } from './sidecar.ts';
import type { Toolchain } from './toolchain.ts';
import type { AppSpec, Topology } from './topology.ts';
import { waitForHttp } from './wait.ts';

export { ingressAppId };
export const envoyProcess = 'envoy';

/** What stack-info.json tells clients and tests about the ingress. */
export interface IngressInfo {
  url: string;
  adminUrl: string;
  configFile: string;
  accessLog: string;
  sidecarProcess: string;
  /** The ingress's daprd, for suites that check what it may invoke (its token is Envoy's). */
  daprHttpPort: number;
  daprApiToken: string;
}

export interface Ingress {
  info: IngressInfo;
  /** Stops new connections and lets requests in flight finish, then stops Envoy and its sidecar. */
  stop(): Promise<void>;
}

function sidecarSpec(topology: Topology): AppSpec {
  const { ingress } = topology;
  // A sidecar-only spec: `port` is never passed to daprd (withoutApp), the workspace holds the template.
  return {
    ...{ id: ingressAppId, workspace: 'dapr/ingress', entry: '', env: {}, callers: {} },
    ...{ port: ingress.port, replicas: 1, dapr: ingress.dapr },
  };
}

/** Starts the ingress's daprd, then Envoy; ready when Envoy's admin /ready says LIVE. */
export async function startIngress(
  sup: Supervisor,
  tools: Toolchain,
  base: Omit<StackInfo, 'apps' | 'ingress'>,
  apps: AppSpec[],
): Promise<Ingress> {
  const { topology } = base;
  const { ingress } = topology;
  const routed = apps.filter((a) => (a.publicRoutes ?? []).length > 0);
  const sidecar = new AppWithSidecar(sup, base, sidecarSpec(topology), {
    calleeIds: routed.map((a) => a.id),
    withoutApp: true,
    resources: {
      components: false,
      // Envoy retries GET and HEAD itself; the sidecar must not repeat a POST. Its timeout is
      // longer than Envoy's route timeout, so the client gets Envoy's JSON 504, not Dapr's error.
      // No circuit breaker: Dapr counts 4xx answers as failures, so five bad logins from one
      // client would shut /login for everyone (measured: "circuit breaker is open" for 15 s).
      timeouts: { ingress: `${ingress.routeTimeoutSeconds + 5}s` },
      appTarget: { timeout: 'ingress' },
    },
  });
  await sidecar.startSidecar();
  const rendered = renderIngressConfig({
    ingress,
    apps,
    allApps: topology.apps,
    daprApiToken: sidecar.tokens.daprApiToken,
    runDir: base.runDir,
    logDir: sup.logDir,
    otlpGrpcEndpoint: base.telemetry?.otlpGrpcEndpoint,
  });
  const proc = sup.start({
    name: envoyProcess,
    command: tools.envoyBin,
    args: [
      ...['-c', rendered.configFile, '--log-level', 'info'],
      // Two stacks (dev and test) run side by side: no shared-memory hot restart between them.
      '--disable-hot-restart',
      // Access log lines reach the file within a second (Envoy's default is ten).
      ...['--file-flush-interval-msec', '1000'],
      ...['--drain-time-s', String(ingress.drainSeconds), '--drain-strategy', 'gradual'],
    ],
  });
  const adminUrl = `http://127.0.0.1:${ingress.adminPort}`;
  await waitForHttp('envoy', `${adminUrl}/ready`, { process: proc, timeoutMs: 60_000 });
  const host = ingress.address === '0.0.0.0' ? '127.0.0.1' : ingress.address;
  const info: IngressInfo = {
    url: `http://${host}:${ingress.port}`,
    adminUrl,
    configFile: rendered.configFile,
    accessLog: rendered.accessLog,
    sidecarProcess: sidecar.sidecarProcess,
    daprHttpPort: ingress.dapr.httpPort,
    daprApiToken: sidecar.tokens.daprApiToken,
  };
  return {
    info,
    async stop() {
      await drain(adminUrl, ingress.drainSeconds * 1000);
      await sup.stop(envoyProcess);
      await sidecar.stop();
    },
  };
}

/**
 * Graceful drain: listeners stop taking new connections and existing HTTP/1.1 connections are
 * closed after their current request; we wait until none are left or the drain time is over.
 */
async function drain(adminUrl: string, maxMs: number): Promise<void> {
  // Not `inboundonly`: that skips listeners without traffic_direction, which ours has not.
  const post = await fetch(`${adminUrl}/drain_listeners?graceful`, {
    method: 'POST',
    signal: AbortSignal.timeout(2000),
  }).catch(() => undefined);
  if (!post?.ok) return;
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const active = await activeConnections(adminUrl);
    if (active === undefined || active === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function activeConnections(adminUrl: string): Promise<number | undefined> {
  try {
    const filter = encodeURIComponent('^http\\.ingress\\.downstream_cx_active$');
    const res = await fetch(`${adminUrl}/stats?filter=${filter}`, {
      signal: AbortSignal.timeout(2000),
    });
    const match = /downstream_cx_active: (\d+)/.exec(await res.text());
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
