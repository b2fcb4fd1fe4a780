import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** True when the block is new (not already there). */
export async function insertBlockIfAbsent(db: Db, blockerId: string, blockedId: string, now: Date): Promise<boolean> {
  const result = await db
    .insertInto('blocks')
    .ignore()
    .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: now })
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** True when there was a block to remove. */
export async function deleteBlock(db: Db, blockerId: string, blockedId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('blocks')
    .where('blocker_id', '=', blockerId)
    .where('blocked_id', '=', blockedId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

function blocksBetween(db: Db, a: string, b: string) {
  return db
    .selectFrom('blocks')
    .select('blocker_id')
    .where((eb) =>
      eb.or([
        eb.and([eb('blocker_id', '=', a), eb('blocked_id', '=', b)]),
        eb.and([eb('blocker_id', '=', b), eb('blocked_id', '=', a)]),
      ]),
    );
}

/** Whether `me` blocks `other` and whether `other` blocks `me`. */
export async function blockStatus(db: Db, me: string, other: string) {
  const rows = await blocksBetween(db, me, other).execute();
  return { blocking: rows.some((r) => r.blocker_id === me), blockedBy: rows.some((r) => r.blocker_id === other) };
}

export async function isBlockedEitherWay(db: Db, a: string, b: string): Promise<boolean> {
  return (await blocksBetween(db, a, b).limit(1).execute()).length > 0;
}

/**
 * The same check as a locking read: it sees blocks committed after the transaction's snapshot
 * and keeps them from being removed until it ends.
 */
export async function isBlockedEitherWayLocked(trx: Transaction<Database>, a: string, b: string) {
  return (await blocksBetween(trx, a, b).limit(1).modifyEnd(sql`lock in share mode`).execute()).length > 0;
}

export async function deleteAllBlocksOf(db: Db, userId: string): Promise<void> {
  await db
    .deleteFrom('blocks')
    .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
    .execute();
}
