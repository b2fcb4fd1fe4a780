/**
 * Dapr Sentry, the stack's certificate authority: it signs a SPIFFE certificate for every sidecar
 * (spiffe://public/ns/default/<app id>) and for placement and scheduler, so every Dapr-to-Dapr
 * connection is mutual TLS and a callee's sidecar knows for sure which app is calling.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Supervisor } from './processes.ts';
import type { Toolchain } from './toolchain.ts';
import type { Topology } from './topology.ts';
import { waitForHttp, waitUntil } from './wait.ts';

const loopback = '127.0.0.1';

/** What sidecars and the control plane need to reach Sentry and trust what it signs. */
export interface SentryInfo {
  /** host:port of Sentry's gRPC API (certificate signing requests). */
  address: string;
  /** The root certificate (PEM) every Dapr process trusts: `ca.crt` of the issuer credentials. */
  trustAnchorsFile: string;
}

/**
 * The issuer credentials (root CA, issuer certificate and key) of one run dir. Sentry 1.18 in
 * self-hosted mode creates them itself when the folder lacks them (pkg/sentry/server/ca,
 * mode 0600) and reuses them on later starts; they live under .run/, which git ignores.
 */
export function sentryPaths(infra: Topology['infrastructure'], runDir: string) {
  const credentials = path.join(runDir, 'sentry', 'credentials');
  const info: SentryInfo = {
    address: `${loopback}:${infra.sentry.port}`,
    trustAnchorsFile: path.join(credentials, 'ca.crt'),
  };
  return { credentials, info };
}

/** The root certificate's PEM text, as daprd wants it in DAPR_TRUST_ANCHORS. */
export const trustAnchors = (sentry: SentryInfo) => readFileSync(sentry.trustAnchorsFile, 'utf8');

/**
 * Starts Sentry; ready when its healthz answers and the trust anchors exist. `configFile` is a
 * Dapr Configuration (the shared one): Sentry in self-hosted mode reads its `mtls` section (the
 * workload certificate TTL, clock skew) and exits when the file is missing.
 */
export async function startSentry(
  sup: Supervisor,
  tools: Toolchain,
  infra: Topology['infrastructure'],
  runDir: string,
  configFile: string,
): Promise<SentryInfo> {
  const s = infra.sentry;
  const { credentials, info } = sentryPaths(infra, runDir);
  const fresh = !existsSync(info.trustAnchorsFile);
  mkdirSync(credentials, { recursive: true, mode: 0o700 });
  const launch = async () => {
    const proc = sup.start({
      name: 'sentry',
      command: path.join(tools.daprBin, 'sentry'),
      args: [
        ...['--port', String(s.port), '--listen-address', loopback],
        ...['--healthz-port', String(s.healthzPort), '--healthz-listen-address', loopback],
        ...['--metrics-port', String(s.metricsPort), '--metrics-listen-address', loopback],
        ...['--issuer-credentials', credentials, '--config', configFile],
      ],
      env: { DAPR_HOST_IP: loopback },
    });
    await waitForHttp('sentry', `http://${loopback}:${s.healthzPort}/healthz`, { process: proc });
    await waitUntil('sentry trust anchors', async () => existsSync(info.trustAnchorsFile), {
      process: proc,
      timeoutMs: 10_000,
    });
  };
  await launch();
  if (fresh) {
    // Sentry notices the credentials it just wrote as a change and restarts its servers about
    // 2 s later; a sidecar asking for its certificate in that gap dies. A second start on the
    // written files has nothing to reload.
    await sup.stop('sentry');
    await launch();
  }
  return info;
}

/** The flags placement and scheduler need to serve mTLS with a Sentry-issued certificate. */
export const controlPlaneTlsArgs = (sentry: SentryInfo) => [
  '--tls-enabled',
  ...['--sentry-address', sentry.address, '--trust-anchors-file', sentry.trustAnchorsFile],
];
