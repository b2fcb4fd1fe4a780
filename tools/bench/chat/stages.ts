/**
 * Chat's per-stage histogram (`soulchat_message_stage_seconds`, each instance's /metrics) read
 * before and after a step's window: the difference says where that step's messages spent their
 * time. Percentiles are bucket upper bounds (the histogram's resolution), means are exact.
 */

const metric = 'soulchat_message_stage_seconds';
const line = new RegExp(`^${metric}_(bucket|sum|count)\\{([^}]*)\\}\\s+([0-9.eE+-]+|\\+Inf)\\s*$`);

interface StageHistogram {
  sum: number;
  count: number;
  /** Cumulative counts by upper bound (seconds), as exposed. */
  buckets: Map<number, number>;
}

export type StageSnapshot = Map<string, StageHistogram>;

export interface StageFigures {
  count: number;
  meanMs: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

const label = (labels: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1];

/** Adds one exposition's stage histograms into `into` (several instances sum up). */
export function parseStages(text: string, into: StageSnapshot = new Map()): StageSnapshot {
  for (const row of text.split('\n')) {
    const match = line.exec(row);
    if (!match) continue;
    const [, part, labels = '', value = '0'] = match;
    const stage = label(labels, 'stage');
    if (!stage) continue;
    const h = into.get(stage) ?? { sum: 0, count: 0, buckets: new Map() };
    into.set(stage, h);
    if (part === 'sum') h.sum += Number(value);
    else if (part === 'count') h.count += Number(value);
    else {
      const le = label(labels, 'le');
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      h.buckets.set(bound, (h.buckets.get(bound) ?? 0) + Number(value));
    }
  }
  return into;
}

function percentileMs(buckets: Array<[number, number]>, count: number, q: number): number | null {
  const hit = buckets.find(([, cumulative]) => cumulative >= count * q);
  if (!hit || !Number.isFinite(hit[0])) return null;
  return hit[0] * 1000;
}

/** What happened between two snapshots, per stage (stages with no new sample are left out). */
export function stageDelta(before: StageSnapshot, after: StageSnapshot): Record<string, StageFigures> {
  const out: Record<string, StageFigures> = {};
  for (const [stage, now] of after) {
    const then = before.get(stage);
    const count = now.count - (then?.count ?? 0);
    if (count <= 0) continue;
    const buckets = [...now.buckets]
      .map(([bound, c]): [number, number] => [bound, c - (then?.buckets.get(bound) ?? 0)])
      .sort((a, b) => a[0] - b[0]);
    out[stage] = {
      count,
      meanMs: Number((((now.sum - (then?.sum ?? 0)) / count) * 1000).toFixed(2)),
      p50Ms: percentileMs(buckets, count, 0.5),
      p99Ms: percentileMs(buckets, count, 0.99),
    };
  }
  return out;
}

/** The stage histograms of every chat instance, summed; an instance that does not answer is left out. */
export async function readStages(urls: string[]): Promise<StageSnapshot> {
  const snapshot: StageSnapshot = new Map();
  for (const url of urls) {
    try {
      const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
      parseStages(await res.text(), snapshot);
    } catch {
      // A missing instance shows as fewer samples, not as a failed step.
    }
  }
  return snapshot;
}
