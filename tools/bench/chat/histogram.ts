/**
 * Latencies in log-spaced buckets (1% wide), so millions of samples per step cost a counter each
 * and percentiles need no sort. A percentile is its bucket's upper edge: at most 1% high.
 */
const smallestMs = 0.01;
const growth = 1.01;
const bucketCount = 1900; // up to about 30 minutes
const logGrowth = Math.log(growth);

export class Histogram {
  readonly counts: Uint32Array;

  constructor(counts?: Uint32Array) {
    this.counts = counts ?? new Uint32Array(bucketCount);
  }

  record(ms: number, times = 1): void {
    const bucket = ms <= smallestMs ? 0 : Math.min(bucketCount - 1, Math.ceil(Math.log(ms / smallestMs) / logGrowth));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + times;
  }

  add(other: Histogram): void {
    for (let i = 0; i < bucketCount; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
  }

  get count(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }

  /** The latency `p` percent of samples are at or under (null with no samples). */
  percentile(p: number): number | null {
    const total = this.count;
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (let i = 0; i < bucketCount; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Number((smallestMs * growth ** i).toFixed(2));
    }
    return null;
  }

  summary(): LatencySummary {
    return { p50: this.percentile(50), p95: this.percentile(95), p99: this.percentile(99), samples: this.count };
  }
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  samples: number;
}
