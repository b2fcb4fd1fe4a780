/**
 * What one step's raw counters add up to. A message never acked, or never delivered to a device
 * by the end of the drain, counts at the latency it had reached then (a lower bound), so losses
 * raise the percentiles instead of vanishing from them.
 */
import { Histogram, type LatencySummary } from './histogram.ts';
import type { ClosedDevice, WorkerStepResult } from './protocol.ts';
import type { Schedule } from './schedule.ts';

export interface RawStep {
  schedule: Schedule;
  scheduledAt: Float64Array;
  delivered: Int32Array;
  ackSeq: Int32Array;
  finishedAt: number;
  results: WorkerStepResult[];
}

export interface StepOutcome {
  offered: number;
  /** Messages planned in the measured window, and how many of them were acked. */
  sent: number;
  acked: number;
  ackedPerSecond: number;
  deliveredPerSecond: number;
  /** Measured messages acked and delivered to every connected member device, per second. */
  messagesPerSecond: number;
  ack: LatencySummary;
  deliver: LatencySummary;
  generatorLagP99Ms: number | null;
  /** Deliveries owed for acked messages (warm-up included) that never came. */
  missingDeliveries: number;
  duplicates: number;
  skippedSends: number;
  errors: Record<string, number>;
  closed: ClosedDevice[];
}

function merged(results: WorkerStepResult[], pick: (r: WorkerStepResult) => Uint32Array): Histogram {
  const total = new Histogram();
  for (const r of results) total.add(new Histogram(pick(r)));
  return total;
}

function sumErrors(results: WorkerStepResult[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
  return errors;
}

interface Tally {
  acked: number;
  complete: number;
  missing: number;
  duplicates: number;
}

/** Walks every message once: acks, full deliveries, and the late ones into the histograms. */
function tally(raw: RawStep, ack: Histogram, deliver: Histogram): Tally {
  const { schedule, scheduledAt, delivered, ackSeq, finishedAt } = raw;
  const t: Tally = { acked: 0, complete: 0, missing: 0, duplicates: 0 };
  for (let i = 0; i < schedule.count; i++) {
    const measured = i >= schedule.measuredFrom;
    const wasAcked = (ackSeq[i] ?? -1) >= 0;
    const short = (schedule.expected[i] ?? 0) - (delivered[i] ?? 0);
    const age = finishedAt - (scheduledAt[i] ?? finishedAt);
    if (short < 0) t.duplicates -= short;
    if (short > 0 && wasAcked) t.missing += short;
    if (!measured) continue;
    if (wasAcked) t.acked++;
    else ack.record(age);
    if (short > 0) deliver.record(age, short);
    if (wasAcked && short <= 0) t.complete++;
  }
  return t;
}

export function summarise(raw: RawStep): StepOutcome {
  const { schedule, results } = raw;
  const seconds = (schedule.windowEndMs - schedule.windowStartMs) / 1000;
  const ack = merged(results, (r) => r.ack);
  const deliver = merged(results, (r) => r.deliver);
  const t = tally(raw, ack, deliver);
  const perSecond = (n: number) => Math.round(n / seconds);
  return {
    offered: schedule.rate,
    sent: schedule.count - schedule.measuredFrom,
    acked: t.acked,
    ackedPerSecond: perSecond(results.reduce((n, r) => n + r.acksInWindow, 0)),
    deliveredPerSecond: perSecond(results.reduce((n, r) => n + r.deliveriesInWindow, 0)),
    messagesPerSecond: perSecond(t.complete),
    ack: ack.summary(),
    deliver: deliver.summary(),
    generatorLagP99Ms: merged(results, (r) => r.lag).percentile(99),
    missingDeliveries: t.missing,
    duplicates: t.duplicates,
    skippedSends: results.reduce((n, r) => n + r.skipped, 0),
    errors: sumErrors(results),
    closed: results.flatMap((r) => r.closed),
  };
}
