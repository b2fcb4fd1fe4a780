import type { Kysely, Transaction } from 'kysely';
import type { Cursor } from '../domain/cursor.ts';
import type { FollowDirection, FollowEntry } from '../domain/follow.ts';
import type { FollowCounts } from '../domain/profile.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Records the follow unless it exists; true when this call created it. */
export async function insertFollowIfAbsent(db: Db, followerId: string, followingId: string, now: Date) {
  const result = await db
    .insertInto('follows')
    .ignore()
    .values({ follower_id: followerId, following_id: followingId, created_at: now })
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** True when a follow was there to delete. */
export async function deleteFollow(db: Db, followerId: string, followingId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('follows')
    .where('follower_id', '=', followerId)
    .where('following_id', '=', followingId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deletes the follows between two users in both directions; returns how many there were. */
export async function deleteFollowsBetween(db: Db, a: string, b: string): Promise<number> {
  const result = await db
    .deleteFrom('follows')
    .where((eb) =>
      eb.or([
        eb.and([eb('follower_id', '=', a), eb('following_id', '=', b)]),
        eb.and([eb('follower_id', '=', b), eb('following_id', '=', a)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Those of `others` who follow `me` and whom `me` follows. */
export async function mutualFollows(db: Db, me: string, others: string[]): Promise<string[]> {
  if (others.length === 0) return [];
  const rows = await db
    .selectFrom('follows as mine')
    .innerJoin('follows as theirs', (join) =>
      join.onRef('theirs.follower_id', '=', 'mine.following_id').onRef('theirs.following_id', '=', 'mine.follower_id'),
    )
    .select('mine.following_id as userId')
    .where('mine.follower_id', '=', me)
    .where('mine.following_id', 'in', others)
    .execute();
  return rows.map((r) => r.userId);
}

/** Whether `me` follows `other` and whether `other` follows `me`. */
export async function followStatus(db: Db, me: string, other: string) {
  const rows = await db
    .selectFrom('follows')
    .select('follower_id')
    .where((eb) =>
      eb.or([
        eb.and([eb('follower_id', '=', me), eb('following_id', '=', other)]),
        eb.and([eb('follower_id', '=', other), eb('following_id', '=', me)]),
      ]),
    )
    .execute();
  return {
    following: rows.some((r) => r.follower_id === me),
    followedBy: rows.some((r) => r.follower_id === other),
  };
}

export async function countFollows(db: Db, userId: string): Promise<FollowCounts> {
  const count = (column: 'follower_id' | 'following_id') =>
    db
      .selectFrom('follows')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where(column, '=', userId)
      .executeTakeFirstOrThrow();
  const [followers, following] = await Promise.all([count('following_id'), count('follower_id')]);
  return { followers: Number(followers.n), following: Number(following.n) };
}

/**
 * One page of a user's followers or followings, newest first, starting after `after`.
 * Ties on the timestamp are broken by the other user's id, the order of the index.
 */
export async function listFollows(
  db: Db,
  userId: string,
  direction: FollowDirection,
  after: Cursor | undefined,
  limit: number,
): Promise<FollowEntry[]> {
  const self = direction === 'followers' ? 'f.following_id' : 'f.follower_id';
  const other = direction === 'followers' ? 'f.follower_id' : 'f.following_id';
  let query = db
    .selectFrom('follows as f')
    .innerJoin('profiles as p', 'p.user_id', other)
    .select(['p.user_id', 'p.username', 'p.display_name', 'p.image_url', 'f.created_at'])
    .where(self, '=', userId);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('f.created_at', '<', after.createdAt),
        eb.and([eb('f.created_at', '=', after.createdAt), eb(other, '<', after.userId)]),
      ]),
    );
  }
  const rows = await query.orderBy('f.created_at', 'desc').orderBy(other, 'desc').limit(limit).execute();
  return rows.map((row) => ({
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    imageUrl: row.image_url,
    since: new Date(row.created_at),
  }));
}

/**
 * Deletes every follow from or to the user and returns the other parties (their counts
 * changed). Run under the user's profile lock so no follow slips in between the two steps.
 */
export async function deleteAllFollowsOf(trx: Transaction<Database>, userId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('follows')
    .select(['follower_id', 'following_id'])
    .where((eb) => eb.or([eb('follower_id', '=', userId), eb('following_id', '=', userId)]))
    .execute();
  await trx
    .deleteFrom('follows')
    .where((eb) => eb.or([eb('follower_id', '=', userId), eb('following_id', '=', userId)]))
    .execute();
  return rows.map((r) => (r.follower_id === userId ? r.following_id : r.follower_id));
}
