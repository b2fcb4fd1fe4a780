import { type Logger, pino } from 'pino';
import { activeTraceIds } from './telemetry.ts';

export type { Logger };

/** JSON logs on stdout; secrets in well-known places are redacted before they are written. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    // Every line written inside a span names its trace, so logs and traces join up.
    mixin: activeTraceIds,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'req.headers.authorization',
        'req.headers["dapr-api-token"]',
      ],
      censor: '[redacted]',
    },
  });
}
