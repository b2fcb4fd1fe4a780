/**
 * Open-loop query steps: queries leave on a fixed schedule at the offered rate whatever the
 * server does, and latency counts from the planned time, so a slow server cannot slow the load.
 */
import { now, sleep } from '../chat/clock.ts';
import { CpuMeter, type CpuUsage, type ProcessFinder } from '../chat/cpu.ts';
import { Histogram, type LatencySummary } from '../chat/histogram.ts';
import { seededRandom } from '../chat/rng.ts';
import { queryText } from './queries.ts';

export interface QueryTarget {
  /** GET URL of /search without a query string. */
  url: string;
  headers: Record<string, string>;
}

export interface QueryStep {
  offered: number;
  sent: number;
  ok: number;
  answeredPerSecond: number;
  errors: Record<string, number>;
  latencyMs: LatencySummary;
  hitsPerQuery: number;
  cpu?: CpuUsage;
}

export async function runStep(
  target: QueryTarget,
  rate: number,
  seconds: number,
  warmupSeconds: number,
  maxInFlight: number,
  processes: ProcessFinder,
): Promise<QueryStep> {
  const random = seededRandom(rate);
  const latency = new Histogram();
  const errors: Record<string, number> = {};
  const meter = new CpuMeter(processes);
  let inFlight = 0;
  let ok = 0;
  let sent = 0;
  let hits = 0;
  const pending: Array<Promise<void>> = [];
  const interval = 1000 / rate;
  const total = Math.round((seconds + warmupSeconds) * rate);
  const warmup = Math.round(warmupSeconds * rate);
  const start = now() + 50;
  for (let i = 0; i < total; i++) {
    const planned = start + i * interval;
    await sleep(planned - now());
    if (i === warmup) meter.start();
    const measured = i >= warmup;
    if (inFlight >= maxInFlight) {
      if (measured) errors.overloaded = (errors.overloaded ?? 0) + 1;
      continue;
    }
    inFlight++;
    if (measured) sent++;
    const q = new URLSearchParams({ q: queryText(random), limit: '20' });
    pending.push(
      fetch(`${target.url}?${q}`, { headers: target.headers, signal: AbortSignal.timeout(10_000) })
        .then(async (res) => {
          const body = (await res.json()) as { results?: unknown[] };
          if (!measured) return;
          if (res.status !== 200) errors[String(res.status)] = (errors[String(res.status)] ?? 0) + 1;
          else {
            ok++;
            hits += body.results?.length ?? 0;
            latency.record(now() - planned);
          }
        })
        .catch((err: Error) => {
          if (measured) errors[err.name] = (errors[err.name] ?? 0) + 1;
        })
        .finally(() => {
          inFlight--;
        }),
    );
  }
  meter.stop();
  await Promise.all(pending);
  return {
    offered: rate,
    sent,
    ok,
    answeredPerSecond: Math.round(ok / seconds),
    errors,
    latencyMs: latency.summary(),
    hitsPerQuery: ok ? Math.round((hits / ok) * 10) / 10 : 0,
    ...(meter.usage ? { cpu: meter.usage } : {}),
  };
}

/** Steps of rising rate until p99 passes the limit or fewer than 98% of queries are answered. */
export async function sweep(
  target: QueryTarget,
  rates: number[],
  run: (target: QueryTarget, rate: number) => Promise<QueryStep>,
  stopP99Ms: number,
  progress: (m: string) => void,
): Promise<QueryStep[]> {
  const steps: QueryStep[] = [];
  for (const rate of rates) {
    const step = await run(target, rate);
    steps.push(step);
    progress(`  ${rate} q/s offered: ${step.answeredPerSecond} answered/s, p99 ${step.latencyMs.p99} ms`);
    if (!held(step, Number.POSITIVE_INFINITY) || (step.latencyMs.p99 ?? Infinity) > stopP99Ms) break;
  }
  return steps;
}

export const held = (step: QueryStep, p99Ms: number) =>
  step.ok >= 0.98 * step.sent && step.sent > 0 && (step.latencyMs.p99 ?? Infinity) <= p99Ms;

/** The highest step that held p99 within the limit with 98% answered. */
export function sustained(steps: QueryStep[], p99Ms: number) {
  const best = steps.filter((s) => held(s, p99Ms)).at(-1);
  return {
    queriesPerSecond: best?.answeredPerSecond ?? 0,
    p99Ms: best?.latencyMs.p99 ?? null,
    offered: best?.offered ?? null,
  };
}
