import { type Kysely, sql } from 'kysely';

// Frozen in time: no app imports. See create_profiles for the id column type.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('blocks')
    .addColumn('blocker_id', sql`varchar(36) character set ascii collate ascii_bin`, (c) => c.notNull())
    .addColumn('blocked_id', sql`varchar(36) character set ascii collate ascii_bin`, (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull())
    .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('blocks').execute();
}
