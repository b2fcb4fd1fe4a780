import { type Attributes, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Runs one use case inside a span tagged with its inputs. Without an SDK registered this is
 * a no-op tracer; the observability work plugs an exporter in without touching callers.
 */
export async function inUseCase<T>(
  service: string,
  name: string,
  attributes: Attributes,
  run: () => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(service);
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await run();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
