import type { Kysely, Transaction } from 'kysely';
import type { Database, RefreshTokenRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertRefreshToken(
  db: Db,
  token: { id: string; userId: string; familyId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      family_id: token.familyId,
      token_hash: token.tokenHash,
      expires_at: token.expiresAt,
      used_at: null,
      revoked_at: null,
    })
    .execute();
}

/** Locks the row so two concurrent refreshes of one token cannot both succeed. */
export async function findByHashForUpdate(
  db: Transaction<Database>,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
}

export async function markUsed(db: Db, id: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ used_at: new Date() }).where('id', '=', id).execute();
}

export async function revokeFamily(db: Db, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes every session of a user except `keepFamilyId` (the one changing the password). */
export async function revokeOtherFamilies(db: Db, userId: string, keepFamilyId: string | undefined): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('family_id', '!=', keepFamilyId ?? '')
    .where('revoked_at', 'is', null)
    .execute();
}

export async function deleteForUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
}
