/** CPU used between two moments, per process kind, and resident memory per kind. */
import { now } from './clock.ts';
import { cpuSeconds, type ProcessKind, rssBytes, type Watched } from './proc.ts';

export type ProcessFinder = () => Watched[];

interface Snapshot {
  at: number;
  cpu: Map<number, { watched: Watched; seconds: number }>;
}

export interface CpuUsage {
  wallSeconds: number;
  /** Percent of one core, all watched processes together. */
  totalPercent: number;
  secondsByKind: Partial<Record<ProcessKind, number>>;
  percentByKind: Partial<Record<ProcessKind, number>>;
  /** The five busiest processes, by launcher name. */
  busiest: Array<{ name: string; seconds: number }>;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function snapshot(find: ProcessFinder): Snapshot {
  const cpu = new Map<number, { watched: Watched; seconds: number }>();
  for (const watched of find()) cpu.set(watched.pid, { watched, seconds: cpuSeconds(watched.pid) });
  return { at: now(), cpu };
}

function add<K extends string>(into: Partial<Record<K, number>>, key: K, value: number): void {
  into[key] = (into[key] ?? 0) + value;
}

function usage(before: Snapshot, after: Snapshot): CpuUsage {
  const wallSeconds = (after.at - before.at) / 1000;
  const secondsByKind: Partial<Record<ProcessKind, number>> = {};
  const byName: Record<string, number> = {};
  for (const [pid, { watched, seconds }] of after.cpu) {
    // A process born inside the window spent all its CPU inside it.
    const used = Math.max(0, seconds - (before.cpu.get(pid)?.seconds ?? 0));
    add(secondsByKind, watched.kind, used);
    add(byName, watched.name, used);
  }
  const total = Object.values(secondsByKind).reduce((a, b) => a + b, 0);
  const entries = Object.entries(secondsByKind) as Array<[ProcessKind, number]>;
  return {
    wallSeconds: round2(wallSeconds),
    totalPercent: Math.round((total / wallSeconds) * 100),
    secondsByKind: Object.fromEntries(entries.map(([k, s]) => [k, round2(s)])),
    percentByKind: Object.fromEntries(entries.map(([k, s]) => [k, Math.round((s / wallSeconds) * 100)])),
    busiest: Object.entries(byName)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, seconds]) => ({ name, seconds: round2(seconds) })),
  };
}

/** Started and stopped around a window (a step, the idle period). */
export class CpuMeter {
  private before: Snapshot | undefined;
  private result: CpuUsage | undefined;

  constructor(private readonly find: ProcessFinder) {}

  start(): void {
    this.before = snapshot(this.find);
  }

  stop(): void {
    if (this.before) this.result = usage(this.before, snapshot(this.find));
  }

  get usage(): CpuUsage | undefined {
    return this.result;
  }
}

export function rssMegabytesByKind(find: ProcessFinder): Partial<Record<ProcessKind, number>> {
  const bytes: Partial<Record<ProcessKind, number>> = {};
  for (const w of find()) add(bytes, w.kind, rssBytes(w.pid));
  return Object.fromEntries(Object.entries(bytes).map(([k, b]) => [k, Math.round(b / 2 ** 20)]));
}
