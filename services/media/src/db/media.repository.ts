import { type Kysely, sql } from 'kysely';
import type { Database, MediaRow, MediaTable } from './schema.ts';

export const findMedia = (db: Kysely<Database>, id: string) =>
  db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();

export const insertMedia = (db: Kysely<Database>, row: MediaTable) => db.insertInto('media').values(row).execute();

/** Bytes of the originals a user holds in storage now (what the quota counts). */
export async function bytesOwnedBy(db: Kysely<Database>, ownerId: string): Promise<number> {
  const row = await db
    .selectFrom('media')
    .select(sql<string | null>`sum(size_bytes)`.as('total'))
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** Puts an upload into a conversation unless it is in one already; true when this call did. */
export async function attachTo(db: Kysely<Database>, id: string, conversationId: string, at: Date) {
  const result = await db
    .updateTable('media')
    .set({ conversation_id: conversationId, attached_at: at })
    .where('id', '=', id)
    .where('conversation_id', 'is', null)
    .where('avatar', '=', 0)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Makes an upload the owner's profile picture unless it is attached already; true when this call did. */
export async function makeAvatar(db: Kysely<Database>, id: string, at: Date) {
  const result = await db
    .updateTable('media')
    .set({ avatar: 1, attached_at: at })
    .where('id', '=', id)
    .where('conversation_id', 'is', null)
    .where('avatar', '=', 0)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The owner's profile pictures other than `keepId` (replaced ones, to be removed). */
export const otherAvatarsOf = (db: Kysely<Database>, ownerId: string, keepId: string) =>
  db
    .selectFrom('media')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .where('avatar', '=', 1)
    .where('id', '!=', keepId)
    .execute();

export const mediaOfConversation = (db: Kysely<Database>, ids: string[], conversationId: string) =>
  ids.length === 0
    ? Promise.resolve([] as MediaRow[])
    : db.selectFrom('media').selectAll().where('id', 'in', ids).where('conversation_id', '=', conversationId).execute();

export const mediaOwnedBy = (db: Kysely<Database>, ownerId: string, limit: number) =>
  db.selectFrom('media').selectAll().where('owner_id', '=', ownerId).limit(limit).execute();

/** Uploads never put into a conversation, older than `before`. */
export const unattachedBefore = (db: Kysely<Database>, before: Date, limit: number) =>
  db
    .selectFrom('media')
    .selectAll()
    .where('conversation_id', 'is', null)
    .where('avatar', '=', 0)
    .where('created_at', '<', before)
    .limit(limit)
    .execute();

export const deleteMedia = (db: Kysely<Database>, id: string) => db.deleteFrom('media').where('id', '=', id).execute();
