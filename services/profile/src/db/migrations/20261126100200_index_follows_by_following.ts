import type { Kysely } from 'kysely';

// A user's followers, newest first (InnoDB appends the primary key, so ties order by follower_id).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('follows_following_created')
    .on('follows')
    .columns(['following_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('follows_following_created').on('follows').execute();
}
