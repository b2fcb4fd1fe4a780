import { type Context, context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

export interface Telemetry {
  /** Sends the spans still buffered; call on shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK for this process: W3C trace context in and out (so a trace
 * continues through Dapr invocation, pub/sub and our outbox), spans recorded for a share of new
 * traces (TRACE_SAMPLE_RATIO; a continued trace keeps its caller's decision), and exported over
 * OTLP/HTTP when an endpoint is configured (the observability profile).
 */
export function startTelemetry(
  config: { SERVICE_NAME: string; OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined; TRACE_SAMPLE_RATIO?: number },
  instance?: string,
): Telemetry {
  const options = { service: config.SERVICE_NAME, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, instance };
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const spanProcessors = options.otlpEndpoint
    ? [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }), {
          scheduledDelayMillis: 500,
        }),
      ]
    : [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.service,
      ...(options.instance ? { 'service.instance.id': options.instance } : {}),
    }),
    // Unsampled spans cost little (no attributes, events or export); measured on the chat bench.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.TRACE_SAMPLE_RATIO ?? 1) }),
    spanProcessors,
  });
  trace.setGlobalTracerProvider(provider);
  return { shutdown: () => provider.shutdown() };
}

/** The trace context of `ctx` (the active one by default) as W3C headers, for an outgoing call. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** Runs `work` as a child of the trace named by a `traceparent` (an event's, a workflow input's). */
export function withTraceParent<T>(traceparent: string | null | undefined, work: () => T): T {
  if (!traceparent) return work();
  return context.with(propagation.extract(ROOT_CONTEXT, { traceparent }), work);
}

/** The active span's ids, for log lines; empty outside any span. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  const ids = span?.spanContext();
  if (!ids || !trace.isSpanContextValid(ids)) return {};
  return { trace_id: ids.traceId, span_id: ids.spanId };
}
