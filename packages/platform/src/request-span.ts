import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context, Next } from 'koa';
import { endpointOf } from './metrics.ts';

const quiet = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A server span per request, continuing the caller's trace from its `traceparent` header (Envoy,
 * a sidecar delivering an invocation or a pub/sub event). Probes and scrapes are left out.
 */
export function requestSpan(service: string) {
  const tracer = trace.getTracer(service);
  return async (ctx: Context, next: Next): Promise<void> => {
    if (quiet.has(ctx.path)) return next();
    const parent = propagation.extract(ROOT_CONTEXT, ctx.headers);
    const span = tracer.startSpan(
      `${ctx.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': ctx.method } },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const route = endpointOf(ctx);
      if (route !== 'unmatched') {
        span.updateName(`${ctx.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', ctx.status);
      if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
