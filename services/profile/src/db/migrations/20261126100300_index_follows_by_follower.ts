import type { Kysely } from 'kysely';

// Who a user follows, newest first: the primary key orders by following_id, not by time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('follows_follower_created')
    .on('follows')
    .columns(['follower_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('follows_follower_created').on('follows').execute();
}
