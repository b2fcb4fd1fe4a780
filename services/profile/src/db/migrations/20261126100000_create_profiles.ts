import { type Kysely, sql } from 'kysely';

// Frozen in time: no app imports. Ids are ASCII with a binary collation because the server
// default (utf8mb4_unicode_ci) would treat ids differing only in case as equal.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('profiles')
    .addColumn('user_id', sql`varchar(36) character set ascii collate ascii_bin`, (c) => c.primaryKey())
    .addColumn('username', 'varchar(32)', (c) => c.notNull())
    .addColumn('display_name', 'varchar(50)', (c) => c.notNull())
    .addColumn('bio', 'varchar(500)')
    .addColumn('image_url', 'varchar(2048)')
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull())
    .modifyEnd(sql`default character set utf8mb4 collate utf8mb4_unicode_ci`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('profiles').execute();
}
