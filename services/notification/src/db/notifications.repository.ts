import type { Kysely, Transaction } from 'kysely';
import type { Database, NotificationRow, NotificationsTable } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Stores one notification; false when this user already has one from the same source. */
export async function insertNotification(db: Db, row: Omit<NotificationsTable, 'seq'>): Promise<boolean> {
  const result = await db.insertInto('notifications').ignore().values(row).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function listForUser(
  db: Db,
  userId: string,
  page: { limit: number; beforeSeq?: number; unreadOnly: boolean },
): Promise<NotificationRow[]> {
  let query = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (page.beforeSeq !== undefined) query = query.where('seq', '<', page.beforeSeq);
  if (page.unreadOnly) query = query.where('read_at', 'is', null);
  return query.orderBy('seq', 'desc').limit(page.limit).execute();
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Marks one of the user's notifications read; false when the user has no such notification. */
export async function markRead(db: Db, userId: string, id: string): Promise<boolean> {
  const found = await db
    .selectFrom('notifications')
    .select('read_at')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!found) return false;
  if (found.read_at === null) {
    await db
      .updateTable('notifications')
      .set({ read_at: new Date() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .execute();
  }
  return true;
}

export async function markAllRead(db: Db, userId: string): Promise<number> {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: new Date() })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Everything the service keeps about a user (account deleted). */
export async function removeUserData(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('notifications').where('user_id', '=', userId).execute();
  await db.deleteFrom('deliveries').where('user_id', '=', userId).execute();
  await db.deleteFrom('preferences').where('user_id', '=', userId).execute();
  await db.deleteFrom('contacts').where('user_id', '=', userId).execute();
}
