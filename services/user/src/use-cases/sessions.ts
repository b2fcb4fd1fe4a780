import { randomUUID } from 'node:crypto';
import { AppError, unauthorized } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { findByHashForUpdate, insertRefreshToken, markUsed, revokeFamily } from '../db/refresh-tokens.repository.ts';
import type { Database } from '../db/schema.ts';
import { findById } from '../db/users.repository.ts';
import type { Account } from '../domain/account.ts';
import { hashRefreshToken, newRefreshToken } from '../security/refresh-tokens.ts';
import type { KeyRing } from '../security/signing-keys.ts';

export interface SessionDeps {
  db: Kysely<Database>;
  keys: KeyRing;
  accessTtlSeconds: number;
  refreshTtlDays: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

async function issue(
  deps: SessionDeps,
  account: Account,
  familyId: string,
  trx: Kysely<Database>,
): Promise<IssuedTokens> {
  const refresh = newRefreshToken();
  await insertRefreshToken(trx, {
    id: randomUUID(),
    userId: account.id,
    familyId,
    tokenHash: refresh.hash,
    expiresAt: new Date(Date.now() + deps.refreshTtlDays * 86_400_000),
  });
  const accessToken = await deps.keys.signAccessToken({
    userId: account.id,
    sessionId: familyId,
    roles: account.roles,
  });
  return { accessToken, refreshToken: refresh.token, tokenType: 'Bearer', expiresIn: deps.accessTtlSeconds };
}

/** A new session (refresh token family) for an account that just proved its password. */
export function startSession(deps: SessionDeps, account: Account): Promise<IssuedTokens> {
  return issue(deps, account, randomUUID(), deps.db);
}

/**
 * Exchanges a refresh token for new tokens, once. Presenting a token that was already used
 * means it was stolen or replayed: the whole session is revoked.
 */
export async function refreshSession(deps: SessionDeps, refreshToken: string): Promise<IssuedTokens> {
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const row = await findByHashForUpdate(trx, hashRefreshToken(refreshToken));
    if (!row || row.revoked_at) return { error: 'invalid refresh token' } as const;
    if (row.used_at) {
      await revokeFamily(trx, row.family_id);
      return { error: 'refresh token reused; the session was revoked' } as const;
    }
    if (new Date(row.expires_at).getTime() <= Date.now()) return { error: 'refresh token expired' } as const;
    const account = await findById(trx, row.user_id);
    if (account?.status !== 'active') return { error: 'account unavailable' } as const;
    await markUsed(trx, row.id);
    return { tokens: await issue(deps, account, row.family_id, trx) } as const;
  });
  // The revocation above must commit, so the refusal is thrown only after the transaction.
  if ('error' in outcome) throw unauthorized(outcome.error);
  return outcome.tokens;
}

/** Revokes the session a refresh token belongs to; unknown tokens are ignored (logout is idempotent). */
export async function endSession(deps: SessionDeps, refreshToken: string, userId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await findByHashForUpdate(trx, hashRefreshToken(refreshToken));
    if (!row) return;
    if (row.user_id !== userId) throw new AppError('FORBIDDEN', 'that session belongs to another account');
    await revokeFamily(trx, row.family_id);
  });
}
