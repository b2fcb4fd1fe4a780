import { type AuthState, unauthorized } from '@soulchat/platform';
import type { Context } from 'koa';
import { userIdRule } from '../domain/rules.ts';

/** The authenticated caller's user id (set by verifier.requireUser), checked like any other id. */
export function callerId(ctx: Context): string {
  const parsed = userIdRule.safeParse((ctx.state as Partial<AuthState>).user?.id);
  if (!parsed.success) throw unauthorized('token subject is not a user id');
  return parsed.data;
}
