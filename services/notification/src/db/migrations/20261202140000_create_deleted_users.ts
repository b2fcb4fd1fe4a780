import { type Kysely, sql } from 'kysely';

// Users whose account is gone: events about them that arrive late (a message, an email change,
// even their registration replayed) end at once instead of recreating data or retrying.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deleted_users')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('deleted_at', sql`datetime(3)`, (c) => c.notNull())
    .execute();
  // Retention deletes old notifications by age.
  await db.schema.createIndex('notifications_by_age').on('notifications').columns(['created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('notifications_by_age').on('notifications').execute();
  await db.schema.dropTable('deleted_users').execute();
}
