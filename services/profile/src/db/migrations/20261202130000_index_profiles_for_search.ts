import type { Kysely } from 'kysely';

// People search matches a prefix of the username or of the display name; an index on each lets
// `LIKE 'prefix%'` read only the matching range (the column's collation ignores case).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('profiles_username').on('profiles').columns(['username', 'user_id']).execute();
  await db.schema.createIndex('profiles_display_name').on('profiles').column('display_name').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('profiles_display_name').on('profiles').execute();
  await db.schema.dropIndex('profiles_username').on('profiles').execute();
}
