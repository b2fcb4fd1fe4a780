import { type Kysely, sql, type Transaction } from 'kysely';
import type { Profile } from '../domain/profile.ts';
import type { Database, ProfileRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

function toProfile(row: ProfileRow): Profile {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    bio: row.bio,
    imageUrl: row.image_url,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** Inserts the profile unless that user has one; true when this call created it. */
export async function insertProfileIfAbsent(db: Db, profile: Profile): Promise<boolean> {
  const result = await db
    .insertInto('profiles')
    .ignore()
    .values({
      user_id: profile.userId,
      username: profile.username,
      display_name: profile.displayName,
      bio: profile.bio,
      image_url: profile.imageUrl,
      created_at: profile.createdAt,
      updated_at: profile.updatedAt,
    })
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findProfile(db: Db, userId: string): Promise<Profile | undefined> {
  const row = await db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row ? toProfile(row) : undefined;
}

/** Which of these users have a profile. */
export async function existingProfiles(db: Db, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db.selectFrom('profiles').select('user_id').where('user_id', 'in', userIds).execute();
  return rows.map((r) => r.user_id);
}

/** Reads the profile and holds its row until the transaction ends, for a read-modify-write. */
export async function findProfileForUpdate(trx: Transaction<Database>, userId: string): Promise<Profile | undefined> {
  const row = await trx.selectFrom('profiles').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
  return row ? toProfile(row) : undefined;
}

/**
 * Locks the profile rows of these users (in primary key order, so two transactions locking the
 * same pair cannot deadlock on them) and returns the ids that exist. Share locks let many
 * follows of one user proceed together; an update lock excludes them (blocking, deletion).
 */
export async function lockProfiles(
  trx: Transaction<Database>,
  userIds: string[],
  mode: 'share' | 'update',
): Promise<Set<string>> {
  const query = trx.selectFrom('profiles').select('user_id').where('user_id', 'in', userIds).orderBy('user_id');
  const rows = await (mode === 'update' ? query.forUpdate() : query.modifyEnd(sql`lock in share mode`)).execute();
  return new Set(rows.map((r) => r.user_id));
}

export async function updateProfile(db: Db, profile: Profile): Promise<void> {
  await db
    .updateTable('profiles')
    .set({
      display_name: profile.displayName,
      bio: profile.bio,
      image_url: profile.imageUrl,
      updated_at: profile.updatedAt,
    })
    .where('user_id', '=', profile.userId)
    .execute();
}

export async function deleteProfile(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('profiles').where('user_id', '=', userId).execute();
}

export interface ProfileSearch {
  callerId: string;
  /** A LIKE pattern (domain/search.ts prefixPattern). */
  pattern: string;
  after?: { username: string; userId: string };
  limit: number;
}

/**
 * Profiles whose username or display name starts with the pattern, in (username, user id) order
 * after the cursor: never the caller, never anyone the caller blocked or who blocked the caller.
 */
export async function searchProfiles(db: Db, search: ProfileSearch): Promise<Profile[]> {
  const { callerId, pattern, after, limit } = search;
  let query = db
    .selectFrom('profiles')
    .selectAll()
    .where((eb) => eb.or([eb('username', 'like', pattern), eb('display_name', 'like', pattern)]))
    .where('user_id', '!=', callerId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('blocks')
            .select('blocks.blocker_id')
            .where((b) =>
              b.or([
                b.and([b('blocks.blocker_id', '=', callerId), b('blocks.blocked_id', '=', b.ref('profiles.user_id'))]),
                b.and([b('blocks.blocked_id', '=', callerId), b('blocks.blocker_id', '=', b.ref('profiles.user_id'))]),
              ]),
            ),
        ),
      ),
    );
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('username', '>', after.username),
        eb.and([eb('username', '=', after.username), eb('user_id', '>', after.userId)]),
      ]),
    );
  const rows = await query.orderBy('username').orderBy('user_id').limit(limit).execute();
  return rows.map(toProfile);
}
