import { timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { AppError } from './errors.ts';

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Guards routes that only the sidecar may call (subscriptions, invocation targets):
 * daprd sends APP_API_TOKEN as `dapr-api-token`. With no token configured it lets all through.
 */
export function requireSidecar(appApiToken: string | undefined) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (appApiToken) {
      const sent = ctx.get('dapr-api-token');
      if (!sent || !sameSecret(sent, appApiToken)) throw new AppError('UNAUTHORIZED', 'missing or wrong app token');
    }
    await next();
  };
}
