import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('notification_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('channel', 'varchar(8)', (c) => c.notNull())
    .addColumn('recipient', 'varchar(254)', (c) => c.notNull())
    .addColumn('subject', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', sql`text`, (c) => c.notNull())
    .addColumn('status', 'varchar(8)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('lease_owner', 'varchar(36)')
    .addColumn('lease_until', sql`datetime(3)`)
    .addColumn('last_error', 'varchar(500)')
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('sent_at', sql`datetime(3)`)
    .addUniqueConstraint('deliveries_once_per_channel', ['notification_id', 'channel'])
    .execute();
  // The worker claims `pending` rows that are due, oldest first.
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('deliveries_by_user').on('deliveries').columns(['user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('deliveries').execute();
}
