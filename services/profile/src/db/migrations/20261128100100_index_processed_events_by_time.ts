import type { Kysely } from 'kysely';

// The inbox pruner deletes by age: without this it scans every dedupe record each hour.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('processed_events_by_time').on('processed_events').column('processed_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('processed_events_by_time').on('processed_events').execute();
}
