import { type Kysely, sql } from 'kysely';

// Matches ProcessedEventsTable in @soulchat/platform as it was when written (frozen: not imported).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('processed_events')
    .addColumn('event_id', sql`varchar(128) character set utf8mb4 collate utf8mb4_bin`, (c) => c.primaryKey())
    .addColumn('processed_at', sql`datetime(3)`, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('processed_events').execute();
}
