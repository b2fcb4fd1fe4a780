import type { Context, Next } from 'koa';
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';

export type { Metric };

export interface HttpMetrics {
  registry: Registry;
  middleware: (ctx: Context, next: Next) => Promise<void>;
}

/** The route pattern (`/notes/:id`), never the raw path, so label cardinality stays bounded. */
export function endpointOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  if (typeof matched === 'string') return matched;
  return 'unmatched';
}

/**
 * How often the event-loop delay histogram (nodejs_eventloop_lag_p99_seconds and friends) takes a
 * sample: a timer of this period. prom-client's 10 ms woke every idle process 100 times a second
 * (about 0.4% of a core each, measured). At 100 ms a stall longer than that is always recorded
 * (as its length less up to 100 ms) and shorter ones only sometimes: enough for the p99 panel,
 * whose job is to show a loop that stalls, at a tenth of the wakeups.
 */
const eventLoopSampleMs = 100;

/** HTTP metrics in a registry of the app's own, plus the domain metrics the service passes. */
export function createHttpMetrics(service: string, domain: Metric[] = []): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: eventLoopSampleMs });
  for (const metric of domain) registry.registerMetric(metric);
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by method, route pattern and status',
    labelNames: ['method', 'endpoint', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method and route pattern',
    labelNames: ['method', 'endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const middleware = async (ctx: Context, next: Next): Promise<void> => {
    const stop = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const endpoint = endpointOf(ctx);
      const seconds = Number(process.hrtime.bigint() - stop) / 1e9;
      requests.inc({ method: ctx.method, endpoint, status: String(ctx.status) });
      duration.observe({ method: ctx.method, endpoint }, seconds);
    }
  };
  return { registry, middleware };
}

/** A domain counter, registered by the app that serves it (AppOptions.metrics). */
export function domainCounter<L extends string>(name: string, help: string, labelNames: readonly L[] = []) {
  return new Counter<L>({ name, help, labelNames, registers: [] });
}

/** A domain histogram in seconds; the buckets reach down to half a millisecond for hot paths. */
export function domainHistogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
) {
  return new Histogram<L>({ name, help, labelNames, buckets, registers: [] });
}

/** A domain gauge; `collect` runs at scrape time for values read from elsewhere (a database). */
export function domainGauge<L extends string>(
  name: string,
  help: string,
  options: { labelNames?: readonly L[]; collect?: (this: Gauge<L>) => Promise<void> } = {},
) {
  return new Gauge<L>({
    name,
    help,
    labelNames: options.labelNames ?? [],
    registers: [],
    ...(options.collect ? { collect: options.collect } : {}),
  });
}
