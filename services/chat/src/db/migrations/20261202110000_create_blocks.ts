import { type Kysely, sql } from 'kysely';

// The chat service's own copy of who blocked whom, kept from the profile service's
// block.changed events: one row per (blocker, blocked) with the latest state and its time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('blocks')
    .addColumn('blocker_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('blocked_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('blocked', 'boolean', (c) => c.notNull())
    .addColumn('changed_at', sql`datetime(3)`, (c) => c.notNull())
    .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
    .execute();
  // A deleted user's rows go in both roles.
  await db.schema.createIndex('blocks_by_blocked').on('blocks').column('blocked_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('blocks').execute();
}
