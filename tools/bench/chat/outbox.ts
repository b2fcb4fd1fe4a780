/**
 * Samples chat's outbox lag (the age of the oldest event not yet published to Kafka, from each
 * instance's /metrics) about once a second, and reports the p99 and the largest sample.
 */
const gauge = /^soulchat_outbox_oldest_pending_seconds(?:\{[^}]*\})?\s+([0-9.eE+-]+)\s*$/m;

async function readLag(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(900) });
    const match = gauge.exec(await res.text());
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface OutboxLag {
  p99Seconds: number;
  maxSeconds: number;
  samples: number;
}

export class OutboxSampler {
  private readonly samples: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly chatUrls: string[]) {}

  start(): void {
    // Not exactly 1 s: the gauge reuses its query for a second but ages it to the scrape time,
    // so reads 1 s apart can report a row published since, up to a second older than any is.
    this.timer = setInterval(() => void this.sample(), 1250);
  }

  private async sample(): Promise<void> {
    const lags = (await Promise.all(this.chatUrls.map(readLag))).filter((l): l is number => l !== undefined);
    // The instances share one outbox table: the larger reading is the fresher one.
    if (lags.length > 0) this.samples.push(Math.max(...lags));
  }

  /** Null when no instance exported the gauge. */
  stop(): OutboxLag | null {
    clearInterval(this.timer);
    if (this.samples.length === 0) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1);
    return { p99Seconds: sorted[at] ?? 0, maxSeconds: sorted.at(-1) ?? 0, samples: sorted.length };
  }
}

const pendingGauge = /^soulchat_outbox_pending_events(?:\{[^}]*\})?\s+([0-9.eE+-]+)\s*$/m;

async function readPending(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
    return Number(pendingGauge.exec(await res.text())?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Until chat's outbox is empty (a backlog from an overloaded step would skew what follows). */
export async function waitForEmptyOutbox(chatUrls: string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pending = await Promise.all(chatUrls.map(readPending));
    if (pending.every((n) => n === 0)) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}
