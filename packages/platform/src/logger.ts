import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON logs on stdout; secrets in well-known places are redacted before they are written. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
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
