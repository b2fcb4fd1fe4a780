import type { Kysely, Transaction } from 'kysely';
import type { Database, MessageRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Stored messages for any of these (sender, client message id) pairs (see byClientKey). */
export function storedSends(db: Db, keys: Array<{ senderId: string; clientMsgId: string }>) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where((eb) =>
      eb(
        eb.refTuple('sender_id', 'client_msg_id'),
        'in',
        keys.map((k) => eb.tuple(k.senderId, k.clientMsgId)),
      ),
    );
}

export const clientKey = (senderId: string, clientMsgId: string) => `${senderId}/${clientMsgId}`;

export const byClientKey = (rows: MessageRow[]): Map<string, MessageRow> =>
  new Map(rows.map((row) => [clientKey(row.sender_id, row.client_msg_id), row]));

/** Stores new messages in one statement (a batch of sends); rows must not be empty. */
export function messagesInsert(db: Db, rows: MessageRow[]) {
  return db.insertInto('messages').values(rows);
}

export async function findMessage(db: Db, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Messages with afterSeq < seq <= untilSeq, oldest first. */
export async function messagesBetween(
  db: Db,
  conversationId: string,
  afterSeq: number,
  untilSeq: number,
  limit: number,
) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', afterSeq)
    .where('seq', '<=', untilSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** The newest messages before `beforeSeq`, returned oldest first. */
export async function messagesBefore(db: Db, conversationId: string, beforeSeq: number, limit: number) {
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('seq', '<', beforeSeq)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

/**
 * Up to `limit` stored messages after the message `afterId` (from the start when undefined), in
 * primary-key order: the clustered index serves it, and a stable order lets the export resume
 * from the last id of a page (see domain/export-cursor.ts).
 */
export async function messagesForExport(db: Db, afterId: string | undefined, limit: number): Promise<MessageRow[]> {
  let query = db.selectFrom('messages').selectAll().orderBy('id').limit(limit);
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  return query.execute();
}

export async function editMessage(db: Db, id: string, content: string): Promise<void> {
  await db.updateTable('messages').set({ content, edited_at: new Date() }).where('id', '=', id).execute();
}

export async function recallMessage(db: Db, id: string): Promise<void> {
  await db
    .updateTable('messages')
    .set({ deleted_at: new Date(), content: '', attachment: null })
    .where('id', '=', id)
    .execute();
}

export async function addReaction(db: Db, messageId: string, userId: string, emoji: string): Promise<void> {
  await db
    .insertInto('reactions')
    .values({ message_id: messageId, user_id: userId, emoji })
    .onDuplicateKeyUpdate({ emoji })
    .execute();
}

export async function removeReaction(db: Db, messageId: string, userId: string, emoji: string): Promise<void> {
  await db
    .deleteFrom('reactions')
    .where('message_id', '=', messageId)
    .where('user_id', '=', userId)
    .where('emoji', '=', emoji)
    .execute();
}

export async function reactionsOf(db: Db, messageId: string): Promise<Record<string, string[]>> {
  const rows = await db
    .selectFrom('reactions')
    .select(['emoji', 'user_id'])
    .where('message_id', '=', messageId)
    .orderBy('created_at')
    .execute();
  const out: Record<string, string[]> = {};
  for (const r of rows) out[r.emoji] = [...(out[r.emoji] ?? []), r.user_id];
  return out;
}
