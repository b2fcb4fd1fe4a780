import type { Kysely } from 'kysely';

// The relay claims `published_at is null order by id`: without this it scans (and, claiming,
// locks) every event already sent.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('outbox_pending').on('outbox').columns(['published_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_pending').on('outbox').execute();
}
