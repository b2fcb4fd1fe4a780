import type { Kysely } from 'kysely';

// The W3C traceparent of the change that recorded the event: the relay publishes within it, so
// the event's consumers join the same trace (frozen: matches OutboxTable as it was when written).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('trace_parent', 'varchar(55)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('trace_parent').execute();
}
