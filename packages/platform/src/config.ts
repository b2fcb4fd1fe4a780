import { z } from 'zod';

/** Settings every service shares; a service extends this schema with its own keys. */
export const baseConfigSchema = z.object({
  SERVICE_NAME: z.string().min(1),
  PORT: z.coerce.number().int().min(1).max(65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535),
  DAPR_GRPC_PORT: z.coerce.number().int().min(1).max(65535),
  /** Sent by the app to its sidecar (daprd checks it when set). */
  DAPR_API_TOKEN: z.string().min(16).optional(),
  /** Sent by the sidecar to the app; the app refuses Dapr-facing calls without it. */
  APP_API_TOKEN: z.string().min(16).optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** OTLP/HTTP collector (Jaeger) base URL; spans are recorded but not exported without it. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /**
   * The share of new traces recorded (a trace that arrives sampled or not keeps that decision).
   * The launcher passes the Dapr Configuration's samplingRate, so sidecars and apps agree.
   */
  TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  /** Check every answer against its route's documented output schema (the test stacks turn it on). */
  CHECK_RESPONSES: z.stringbool().default(false),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once, at start-up; nothing else in a service reads process.env. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<S>> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze(parsed.data);
}
