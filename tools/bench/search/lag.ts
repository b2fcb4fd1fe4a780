/**
 * Index lag as the service measures it (search_index_lag_seconds: event time to searchable),
 * read from its /metrics before and after a burst of real sends, so only the burst counts.
 */
import { randomUUID } from 'node:crypto';
import { json } from './client.ts';

export interface LagHistogram {
  /** Upper bounds in seconds with cumulative counts, ascending. */
  buckets: Array<[number, number]>;
  sum: number;
  count: number;
}

const topic = 'message.created';

export async function readLag(metricsUrl: string): Promise<LagHistogram> {
  const text = await (await fetch(metricsUrl)).text();
  const buckets: Array<[number, number]> = [];
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('search_index_lag_seconds') || !line.includes(`topic="${topic}"`)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (line.startsWith('search_index_lag_seconds_bucket') && le)
      buckets.push([le === '+Inf' ? Infinity : Number(le), value]);
    else if (line.startsWith('search_index_lag_seconds_sum')) sum = value;
    else if (line.startsWith('search_index_lag_seconds_count')) count = value;
  }
  return { buckets: buckets.sort((a, b) => a[0] - b[0]), sum, count };
}

/** p99 (as its bucket's upper bound) and mean of what happened between two readings. */
export function lagBetween(before: LagHistogram, after: LagHistogram) {
  const count = after.count - before.count;
  const earlier = new Map(before.buckets);
  const rank = Math.ceil(count * 0.99);
  const p99 = after.buckets.find(([le, n]) => n - (earlier.get(le) ?? 0) >= rank)?.[0] ?? null;
  return {
    events: count,
    meanMs: count ? Math.round(((after.sum - before.sum) / count) * 1000 * 10) / 10 : null,
    p99AtMostMs: p99 === null || p99 === Infinity ? null : Math.round(p99 * 1000),
  };
}

export interface LagProbe {
  edge: string;
  metricsUrl: string;
  token: string;
  groupIds: string[];
}

/** Sends `count` messages at `rate` per second through the ingress and reads their index lag. */
export async function measureLag({ edge, metricsUrl, token, groupIds }: LagProbe, count: number, rate: number) {
  const before = await readLag(metricsUrl);
  const gap = 1000 / rate;
  for (let i = 0; i < count; i++) {
    const sentAt = Date.now();
    const groupId = groupIds[i % groupIds.length];
    await json(`${edge}/conversations/${groupId}/messages`, {
      body: { clientMsgId: randomUUID(), content: `lag probe ${i} 延迟测试` },
      token,
    });
    await new Promise((r) => setTimeout(r, Math.max(0, gap - (Date.now() - sentAt))));
  }
  const deadline = Date.now() + 60_000;
  let after = await readLag(metricsUrl);
  while (after.count - before.count < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    after = await readLag(metricsUrl);
  }
  return lagBetween(before, after);
}
