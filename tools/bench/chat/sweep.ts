/**
 * Steps of offered rate against one target (chat or the bare relay), each with its CPU, memory
 * and outbox samplers, stopping after the first step that does not hold.
 */
import { sleep } from './clock.ts';
import { CpuMeter, type CpuUsage, type ProcessFinder, rssMegabytesByKind } from './cpu.ts';
import type { LoadGenerator, StepRun } from './generator.ts';
import { type OutboxLag, OutboxSampler } from './outbox.ts';
import type { StepOutcome } from './outcome.ts';
import type { PopulationPlan } from './population.ts';
import type { ProcessKind } from './proc.ts';
import { seededRandom } from './rng.ts';
import { buildSchedule } from './schedule.ts';
import type { MixWeights, StepSettings } from './settings.ts';
import { readStages, type StageFigures, type StageSnapshot, stageDelta } from './stages.ts';
import type { SyncReport } from './sync-check.ts';

export interface SweepTarget {
  name: string;
  plan: PopulationPlan;
  mix: MixWeights;
  generator: LoadGenerator;
  /** Devices connected now; a device the server closes leaves it. */
  connected: Set<number>;
  processes: ProcessFinder;
  /** Chat instances whose outbox lag is sampled (none for the relay). */
  metricsUrls: string[];
  /** Runs after each step, e.g. the offline devices' sync check. */
  afterStep?: (run: StepRun, step: number) => Promise<SyncReport>;
}

export type StepReport = Omit<StepOutcome, 'closed'> & {
  disconnects: number;
  cpu: CpuUsage | null;
  rssMb: Partial<Record<ProcessKind, number>>;
  outboxLag: OutboxLag | null;
  /** Where the step's messages spent their time, from chat's stage histogram (empty for the relay). */
  stages: Record<string, StageFigures>;
  sync?: SyncReport;
};

const filler = 'the quick brown fox jumps over the lazy dog ';

/** A step holds when its send->deliver p99 is within `p99Ms` and enough of it was acked. */
export function holds(step: StepReport, p99Ms: number, minAcked: number): boolean {
  return step.deliver.p99 !== null && step.deliver.p99 <= p99Ms && step.acked >= minAcked * step.sent;
}

export async function runStep(target: SweepTarget, settings: StepSettings, rate: number, step: number, runTag: string) {
  const shape = { rate, warmupSeconds: settings.warmupSeconds, stepSeconds: settings.stepSeconds };
  const schedule = buildSchedule(target.plan, target.connected, target.mix, shape, seededRandom(step + rate));
  const cpu = new CpuMeter(target.processes);
  const outbox = new OutboxSampler(target.metricsUrls);
  let outboxLag: OutboxLag | null = null;
  let stagesBefore: Promise<StageSnapshot> = Promise.resolve(new Map());
  const run = await target.generator.runStep(schedule, {
    tag: `${runTag}s${step}`,
    content: filler.repeat(Math.ceil(settings.contentBytes / filler.length)).slice(0, settings.contentBytes),
    drainMs: settings.drainSeconds * 1000,
    onWindowStart: () => {
      cpu.start();
      outbox.start();
      stagesBefore = readStages(target.metricsUrls);
    },
    onWindowEnd: () => {
      cpu.stop();
      outboxLag = outbox.stop();
    },
  });
  const { closed, acks: _acks, ...figures } = run;
  for (const c of closed) target.connected.delete(c.device);
  const report: StepReport = {
    ...figures,
    disconnects: closed.length,
    cpu: cpu.usage ?? null,
    rssMb: rssMegabytesByKind(target.processes),
    outboxLag,
    // Read after the drain, so the window's last messages are counted through delivery.
    stages: stageDelta(await stagesBefore, await readStages(target.metricsUrls)),
  };
  if (target.afterStep) report.sync = await target.afterStep(run, step);
  return report;
}

export function describeStep(name: string, s: StepReport): string {
  const cpu = s.cpu ? ` cpu ${s.cpu.totalPercent}% ${JSON.stringify(s.cpu.percentByKind)}` : '';
  const sync = s.sync ? ` synced ${s.sync.syncedOk}/${s.sync.devices}` : '';
  const lag = s.outboxLag ? ` outbox p99 ${s.outboxLag.p99Seconds.toFixed(2)}s` : '';
  const stages = Object.entries(s.stages)
    .map(([name, f]) => `${name} ${f.meanMs}/${f.p99Ms ?? '>5000'}`)
    .join(', ');
  return (
    `[bench] ${name} ${s.offered}/s: acked ${s.acked}/${s.sent} (${s.ackedPerSecond}/s), delivered ${s.deliveredPerSecond}/s, ` +
    `ack p50/p99 ${s.ack.p50}/${s.ack.p99} ms, deliver p50/p95/p99 ${s.deliver.p50}/${s.deliver.p95}/${s.deliver.p99} ms,` +
    ` missing ${s.missingDeliveries}, dup ${s.duplicates}, closed ${s.disconnects}${lag}${sync}${cpu}` +
    (stages ? `; stage mean/p99 ms: ${stages}` : '')
  );
}

export async function sweep(
  target: SweepTarget,
  settings: StepSettings,
  runTag: string,
  progress: (m: string) => void,
): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  for (const [step, rate] of settings.rates.entries()) {
    const report = await runStep(target, settings, rate, step, runTag);
    reports.push(report);
    progress(describeStep(target.name, report));
    if (!holds(report, settings.stopP99Ms, settings.minAckedFraction)) break;
    await sleep(2000);
  }
  return reports;
}
