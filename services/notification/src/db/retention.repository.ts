import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface RetentionCutoffs {
  /** Read notifications created before this go. */
  read: Date;
  /** Any notification created before this goes, read or not. */
  all: Date;
  /** Tombstones older than this go (no event about the user can arrive any more). */
  tombstones: Date;
}

/** Deletes what the cutoffs say, a batch at a time; returns how many notifications went. */
export async function applyRetention(
  db: Kysely<Database>,
  cutoffs: RetentionCutoffs,
  batchSize = 1000,
): Promise<number> {
  let removed = 0;
  for (;;) {
    const doomed = await db
      .selectFrom('notifications')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('read_at', 'is not', null), eb('created_at', '<', cutoffs.read)]),
          eb('created_at', '<', cutoffs.all),
        ]),
      )
      .limit(batchSize)
      .execute();
    if (doomed.length === 0) break;
    const ids = doomed.map((r) => r.id);
    await db.transaction().execute(async (trx) => {
      // Sends still pending keep their notification's text; only finished ones go with it.
      await trx.deleteFrom('deliveries').where('notification_id', 'in', ids).where('status', '!=', 'pending').execute();
      await trx.deleteFrom('notifications').where('id', 'in', ids).execute();
    });
    removed += ids.length;
    if (doomed.length < batchSize) break;
  }
  await db.deleteFrom('deleted_users').where('deleted_at', '<', cutoffs.tombstones).execute();
  return removed;
}

export async function recordDeletedUser(db: Db, userId: string, at: Date): Promise<void> {
  await db
    .insertInto('deleted_users')
    .values({ user_id: userId, deleted_at: at })
    .onDuplicateKeyUpdate({ deleted_at: sql`deleted_at` })
    .execute();
}

/** Which of these users are known to be deleted. */
export async function deletedAmong(db: Db, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.selectFrom('deleted_users').select('user_id').where('user_id', 'in', userIds).execute();
  return new Set(rows.map((r) => r.user_id));
}
