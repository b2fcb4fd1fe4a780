/**
 * The benchmark's JSON line: headline figures first (the highest step that held 50 ms and
 * 100 ms, idle costs, the relay's ceiling), then every step in a compact form.
 */
import type { ChatRun } from './chat-run.ts';
import type { MediaRun } from './media-run.ts';
import type { RelayRun } from './relay-run.ts';
import type { BenchSettings } from './settings.ts';
import { holds, type StepReport } from './sweep.ts';

export interface Headline {
  /** Messages acked and delivered to every connected member device, per second, in that step. */
  messagesPerSecond: number;
  p99Ms: number | null;
  offered: number | null;
}

/** The highest step whose send->deliver p99 stayed within `p99Ms` with enough acked. */
export function best(steps: StepReport[], p99Ms: number, minAcked: number): Headline {
  const held = steps.filter((s) => holds(s, p99Ms, minAcked)).sort((a, b) => b.offered - a.offered)[0];
  if (!held) return { messagesPerSecond: 0, p99Ms: null, offered: null };
  return { messagesPerSecond: held.messagesPerSecond, p99Ms: held.deliver.p99, offered: held.offered };
}

export function compactStep(s: StepReport) {
  return {
    offered: s.offered,
    sent: s.sent,
    acked: s.acked,
    ackedPerSecond: s.ackedPerSecond,
    deliveredPerSecond: s.deliveredPerSecond,
    messagesPerSecond: s.messagesPerSecond,
    ackMs: { p50: s.ack.p50, p95: s.ack.p95, p99: s.ack.p99 },
    deliverMs: { p50: s.deliver.p50, p95: s.deliver.p95, p99: s.deliver.p99 },
    deliveries: s.deliver.samples,
    outboxLagP99Seconds: s.outboxLag ? Number(s.outboxLag.p99Seconds.toFixed(3)) : null,
    stages: s.stages,
    cpuPercent: s.cpu?.totalPercent ?? null,
    cpuSeconds: s.cpu?.secondsByKind ?? {},
    busiest: s.cpu?.busiest ?? [],
    rssMb: s.rssMb,
    generatorLagP99Ms: s.generatorLagP99Ms,
    missingDeliveries: s.missingDeliveries,
    duplicates: s.duplicates,
    disconnects: s.disconnects,
    skippedSends: s.skippedSends,
    errors: s.errors,
    ...(s.sync
      ? {
          syncDevices: s.sync.devices,
          syncedOk: s.sync.syncedOk,
          syncMissing: s.sync.missingMessages,
          syncFailures: s.sync.failures.slice(0, 3),
        }
      : {}),
  };
}

function settingsSummary(settings: BenchSettings) {
  const { population: p, steps } = settings;
  return {
    users: p.users,
    devicesPerUser: p.devicesPerUser,
    onlineFraction: p.onlineFraction,
    mixPercent: p.mix,
    groups: { small: [p.smallGroups, p.smallGroupSize], large: [p.largeGroups, p.largeGroupSize] },
    rates: steps.rates,
    stepSeconds: steps.stepSeconds,
    warmupSeconds: steps.warmupSeconds,
    workers: settings.workers,
    traceSampleRatio: settings.traceSampleRatio,
  };
}

/** The headline limits: `sustained` and `at100` are read at these send->deliver p99s. */
export const headlineLimitsMs = { sustained: 50, at100: 100 } as const;

export interface Relays {
  bare: RelayRun;
  /** The same relay behind an Envoy that only proxies. */
  viaIngress: RelayRun;
}

export function benchReport(
  settings: BenchSettings,
  chat: ChatRun,
  relays: Relays | undefined,
  media: MediaRun | undefined,
) {
  const { minAckedFraction } = settings.steps;
  const { sustained, at100 } = headlineLimitsMs;
  const ceiling = (relay: RelayRun | undefined) =>
    relay
      ? {
          ...best(relay.steps, sustained, minAckedFraction),
          at100: best(relay.steps, at100, minAckedFraction),
          steps: relay.steps.map(compactStep),
        }
      : null;
  return {
    bench: 'chat',
    sustained: best(chat.steps, sustained, minAckedFraction),
    at100: best(chat.steps, at100, minAckedFraction),
    idleBytesPerConnection: chat.idleConnections.bytesPerConnection,
    idleCpuPercent: chat.idleCpu?.totalPercent ?? null,
    idleCpuPercentByKind: chat.idleCpu?.percentByKind ?? {},
    bareRelay: ceiling(relays?.bare),
    relayViaEnvoy: ceiling(relays?.viaIngress),
    connections: chat.idleConnections,
    population: {
      users: chat.users,
      devicesConnected: chat.devicesConnected,
      connectFailed: chat.connectFailed,
      connectFailures: chat.connectFailures,
      ingressWebSockets: chat.ingressWebSockets,
      conversations: chat.conversations,
    },
    settings: settingsSummary(settings),
    path: 'clients -> Envoy ingress -> chat-1/chat-2 (WebSocket); sync through the ingress too',
    steps: chat.steps.map(compactStep),
    // Measured on a stack of its own after the chat steps (user, profile, media, the ingress).
    media: media ?? null,
  };
}

export type BenchReport = ReturnType<typeof benchReport>;
