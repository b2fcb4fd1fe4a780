import { type Kysely, sql } from 'kysely';

// A rotated-in key is published in the JWKS before it signs anything (activates_at in the
// future), so every cached key set (Envoy keeps one for a minute) knows it by then.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('signing_keys').addColumn('activates_at', sql`datetime(3)`).execute();
  await sql`update signing_keys set activates_at = created_at`.execute(db);
  await db.schema
    .alterTable('signing_keys')
    .modifyColumn('activates_at', sql`datetime(3)`, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('signing_keys').dropColumn('activates_at').execute();
}
