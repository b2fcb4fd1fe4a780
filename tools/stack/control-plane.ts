import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Supervisor } from './processes.ts';
import { controlPlaneTlsArgs, type SentryInfo } from './sentry.ts';
import type { Toolchain } from './toolchain.ts';
import type { Topology } from './topology.ts';
import { waitForHttp } from './wait.ts';

type Infra = Topology['infrastructure'];
const loopback = '127.0.0.1';

/** Placement hands out actor (and so workflow) ownership among the sidecars. */
export async function startPlacement(
  sup: Supervisor,
  tools: Toolchain,
  infra: Infra,
  sentry: SentryInfo,
): Promise<string> {
  const p = infra.placement;
  const proc = sup.start({
    name: 'placement',
    command: path.join(tools.daprBin, 'placement'),
    args: [
      ...['--port', String(p.port), '--listen-address', loopback],
      ...['--healthz-port', String(p.healthzPort), '--healthz-listen-address', loopback],
      ...['--metrics-port', String(p.metricsPort), '--metrics-listen-address', loopback],
      ...['--initial-cluster', `dapr-placement-0=${loopback}:${p.raftPort}`],
      ...['--raft-logstore-path', path.join(sup.runDir, 'placement')],
      // Sidecars with mTLS on only talk to a placement that serves mTLS.
      ...controlPlaneTlsArgs(sentry),
    ],
    env: { DAPR_HOST_IP: loopback },
  });
  await waitForHttp('placement', `http://${loopback}:${p.healthzPort}/healthz`, { process: proc });
  return `${loopback}:${p.port}`;
}

/** The scheduler keeps workflow timers, reminders and jobs in its embedded etcd. */
export async function startScheduler(
  sup: Supervisor,
  tools: Toolchain,
  infra: Infra,
  sentry: SentryInfo,
): Promise<string> {
  const s = infra.scheduler;
  const dataDir = path.join(sup.runDir, 'scheduler');
  mkdirSync(dataDir, { recursive: true });
  const proc = sup.start({
    name: 'scheduler',
    command: path.join(tools.daprBin, 'scheduler'),
    args: [
      ...['--port', String(s.port), '--listen-address', loopback],
      ...['--healthz-port', String(s.healthzPort), '--healthz-listen-address', loopback],
      ...['--metrics-port', String(s.metricsPort), '--metrics-listen-address', loopback],
      ...['--etcd-data-dir', dataDir, '--etcd-client-port', String(s.etcdClientPort)],
      ...['--etcd-client-listen-address', loopback],
      ...['--etcd-initial-cluster', `dapr-scheduler-server-0=http://${loopback}:${s.etcdPeerPort}`],
      ...controlPlaneTlsArgs(sentry),
      // With TLS it writes its certificate for etcd here; the default (/tmp/secrets/dapr.io/tls)
      // is one folder for every stack on the machine.
      ...['--identity-directory-write', path.join(dataDir, 'identity')],
    ],
    env: { DAPR_HOST_IP: loopback },
  });
  await waitForHttp('scheduler', `http://${loopback}:${s.healthzPort}/healthz`, { process: proc, timeoutMs: 90_000 });
  return `${loopback}:${s.port}`;
}
