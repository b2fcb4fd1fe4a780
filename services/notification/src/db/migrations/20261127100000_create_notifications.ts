import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('seq', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', 'varchar(2000)', (c) => c.notNull())
    .addColumn('data', sql`text`, (c) => c.notNull())
    .addColumn('source_id', sql`varchar(128) character set utf8mb4 collate utf8mb4_bin`, (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('read_at', sql`datetime(3)`)
    .addUniqueConstraint('notifications_once_per_source', ['user_id', 'source_id'])
    .execute();
  // The list (newest first) and the unread count both start from the user.
  await db.schema.createIndex('notifications_by_user').on('notifications').columns(['user_id', 'seq']).execute();
  await db.schema.createIndex('notifications_unread').on('notifications').columns(['user_id', 'read_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
}
