import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/** Runs `run` inside an active span of `tracer`: errors are recorded and mark the span. */
export async function inSpan<T>(
  tracer: string,
  name: string,
  options: { attributes: Attributes; kind?: SpanKind },
  run: (span: Span) => Promise<T>,
): Promise<T> {
  return trace.getTracer(tracer).startActiveSpan(name, options, async (span) => {
    try {
      return await run(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Runs one use case inside a span tagged with its inputs (never secrets or message bodies). */
export async function inUseCase<T>(
  service: string,
  name: string,
  attributes: Attributes,
  run: () => Promise<T>,
): Promise<T> {
  return inSpan(service, name, { attributes, kind: SpanKind.INTERNAL }, run);
}
