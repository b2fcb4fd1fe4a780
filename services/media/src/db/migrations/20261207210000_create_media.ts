import { type Kysely, sql } from 'kysely';

// Frozen in time: no app imports. Ids are ASCII with a binary collation (see the other services).
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = sql`varchar(36) character set ascii collate ascii_bin`;
  await db.schema
    .createTable('media')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('owner_id', id, (c) => c.notNull())
    .addColumn('kind', sql`enum('image','file')`, (c) => c.notNull())
    .addColumn('mime_type', 'varchar(100)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('conversation_id', id)
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('attached_at', sql`datetime(3)`)
    .modifyEnd(sql`default character set utf8mb4 collate utf8mb4_unicode_ci`)
    .execute();
  // A user's quota and their deletion; the sweep of uploads never sent.
  await db.schema.createIndex('media_by_owner').on('media').columns(['owner_id', 'created_at']).execute();
  await db.schema.createIndex('media_unattached').on('media').columns(['conversation_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('media').execute();
}
