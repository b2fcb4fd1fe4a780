import { type Kysely, sql } from 'kysely';

// Frozen in time: no app imports. One row: the key download links are signed with, made by the
// first instance that starts, so every instance checks the links the others hand out.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('link_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('secret', sql`varchar(64) character set ascii collate ascii_bin`, (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('link_keys').execute();
}
