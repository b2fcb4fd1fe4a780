import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface BlockChange {
  blockerId: string;
  blockedId: string;
  blocked: boolean;
  changedAt: Date;
}

/**
 * Keeps the newest state per pair: a change older than the one stored (a redelivery, or events
 * out of order) is ignored, so applying the same event twice or late changes nothing.
 */
export async function applyBlockChange(db: Db, change: BlockChange): Promise<void> {
  await db
    .insertInto('blocks')
    .values({
      blocker_id: change.blockerId,
      blocked_id: change.blockedId,
      blocked: change.blocked,
      changed_at: change.changedAt,
    })
    // `blocked` is assigned first: it compares against the stored changed_at before that moves.
    .onDuplicateKeyUpdate({
      blocked: sql`if(values(changed_at) >= changed_at, values(blocked), blocked)`,
      changed_at: sql`greatest(changed_at, values(changed_at))`,
    })
    .execute();
}

/** The pairs (as given, either order) where one user blocks the other. */
export async function blockedPairs(db: Db, pairs: Array<[string, string]>): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await db
    .selectFrom('blocks')
    .select(['blocker_id', 'blocked_id'])
    .where('blocked', '=', 1)
    .where((eb) =>
      eb.or(
        pairs.flatMap(([a, b]) => [eb.and({ blocker_id: a, blocked_id: b }), eb.and({ blocker_id: b, blocked_id: a })]),
      ),
    )
    .execute();
  return new Set(rows.map((r) => pairKey(r.blocker_id, r.blocked_id)));
}

/**
 * Blocks (either direction) between these senders and the members of these conversations'
 * direct ones: a superset of the pairs a batch of sends needs, matched by pairKey.
 */
export function directBlocks(db: Db, senderIds: string[], conversationIds: string[]) {
  const partners = db
    .selectFrom('members')
    .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
    .select('members.user_id')
    .where('conversations.kind', '=', 'direct')
    .where('members.conversation_id', 'in', conversationIds);
  return db
    .selectFrom('blocks')
    .select(['blocker_id', 'blocked_id'])
    .where('blocked', '=', 1)
    .where((eb) =>
      eb.or([
        eb.and([eb('blocker_id', 'in', senderIds), eb('blocked_id', 'in', partners)]),
        eb.and([eb('blocked_id', 'in', senderIds), eb('blocker_id', 'in', partners)]),
      ]),
    );
}

/** Which of `others` block `userId` or are blocked by them. */
export async function blockedWith(db: Db, userId: string, others: string[]): Promise<Set<string>> {
  const pairs = await blockedPairs(
    db,
    others.map((other): [string, string] => [userId, other]),
  );
  return new Set(others.filter((other) => pairs.has(pairKey(userId, other))));
}

/** One key per unordered pair. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** A deleted user's blocks, in both directions, are forgotten. */
export async function removeBlocksOf(db: Db, userId: string): Promise<void> {
  await db
    .deleteFrom('blocks')
    .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
    .execute();
}
