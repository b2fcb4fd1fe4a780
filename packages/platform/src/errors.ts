import type { Context, Next } from 'koa';
import type { Logger } from './logger.ts';

/** The stable error codes a client may see; the body is always {error: {code, message}}. */
export const errorCodes = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_FAILED: 502,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Response headers that go with the error, such as Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = errorCodes[code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const forbidden = (message = 'not allowed') => new AppError('FORBIDDEN', message);
export const unauthorized = (message = 'authentication required') => new AppError('UNAUTHORIZED', message);
export const rateLimited = (retryAfterSeconds: number, message = 'too many attempts, try again later') =>
  new AppError('RATE_LIMITED', message, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });

interface HttpishError {
  status?: unknown;
  expose?: unknown;
  type?: unknown;
  message?: unknown;
}

/** Errors thrown by Koa's own middleware (body parser, router) carry an http status. */
function fromHttpError(err: HttpishError): AppError | undefined {
  // The router's allowedMethods answers a method no route knows (TRACE, say) with 501: the
  // client's doing, not a server fault, so it is checked before 5xx become internal errors.
  if (err.status === 501) return new AppError('METHOD_NOT_ALLOWED', 'method not implemented');
  if (typeof err.status !== 'number' || err.status >= 500 || err.status < 400) return undefined;
  if (err.status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'request body too large');
  if (err.status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported content type');
  if (err.status === 405) return new AppError('METHOD_NOT_ALLOWED', 'method not allowed on this route');
  if (err.type === 'entity.parse.failed' || err.status === 400) {
    return new AppError('BAD_REQUEST', 'request body is not valid JSON');
  }
  const code = (Object.keys(errorCodes) as ErrorCode[]).find((c) => errorCodes[c] === err.status);
  return new AppError(code ?? 'BAD_REQUEST', err.expose === true ? String(err.message) : 'bad request');
}

/** One error middleware at the top: 4xx messages go to the client, 5xx details only to logs. */
export function errorMiddleware(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw notFound('route');
    } catch (caught) {
      const err = caught instanceof AppError ? caught : fromHttpError(caught as HttpishError);
      if (err) {
        ctx.status = err.status;
        ctx.set(err.headers);
        ctx.body = {
          error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
        };
        return;
      }
      log.error({ err: caught, path: ctx.path, method: ctx.method }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'INTERNAL', message: 'internal error' } };
    }
  };
}
