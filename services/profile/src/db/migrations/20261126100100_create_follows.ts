import { type Kysely, sql } from 'kysely';

// Frozen in time: no app imports. See create_profiles for the id column type.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('follows')
    .addColumn('follower_id', sql`varchar(36) character set ascii collate ascii_bin`, (c) => c.notNull())
    .addColumn('following_id', sql`varchar(36) character set ascii collate ascii_bin`, (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull())
    .addPrimaryKeyConstraint('follows_pk', ['follower_id', 'following_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('follows').execute();
}
