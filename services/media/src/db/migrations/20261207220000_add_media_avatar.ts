import { type Kysely, sql } from 'kysely';

// Frozen in time: no app imports. A profile picture: seen by every signed-in user, one per owner.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('media')
    .addColumn('avatar', sql`boolean`, (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('media').dropColumn('avatar').execute();
}
