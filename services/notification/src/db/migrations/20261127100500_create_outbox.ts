import { type Kysely, sql } from 'kysely';

// Matches OutboxTable in @soulchat/platform as it was when written (frozen: not imported).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('event_id', 'varchar(128)', (c) => c.notNull().unique())
    .addColumn('topic', 'varchar(128)', (c) => c.notNull())
    .addColumn('partition_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('payload', sql`mediumtext`, (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`current_timestamp(3)`))
    .addColumn('published_at', sql`datetime(3)`)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox').execute();
}
