import { AppError, forbidden, notFound } from '@soulchat/platform';
import type { Transaction } from 'kysely';
import { lockProfiles } from '../db/profiles.repository.ts';
import type { Database } from '../db/schema.ts';

/** Acting on oneself (follow, block) is a client mistake, not a permission question. */
export function refuseSelf(me: string, target: string, action: string): void {
  if (me === target) throw new AppError('BAD_REQUEST', `you cannot ${action} yourself`);
}

/**
 * Locks both profiles for the rest of the transaction and requires both to exist. Follows take
 * share locks and blocks update locks, so a follow and a block of the same pair never interleave.
 */
export async function lockPair(trx: Transaction<Database>, me: string, target: string, mode: 'share' | 'update') {
  const existing = await lockProfiles(trx, [me, target], mode);
  if (!existing.has(target)) throw notFound('profile');
  // A deleted account whose access token has not expired yet, or one still being registered.
  if (!existing.has(me)) throw forbidden('your account has no profile');
}
