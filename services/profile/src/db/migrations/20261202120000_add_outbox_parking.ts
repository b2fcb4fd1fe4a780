import { type Kysely, sql } from 'kysely';

// Matches OutboxTable in @soulchat/platform as it was when written (frozen: not imported): an
// event the broker keeps refusing is parked (parked_at) with the reason, instead of stalling.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('outbox')
    .addColumn('parked_at', sql`datetime(3)`)
    .addColumn('last_error', 'varchar(1000)')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('parked_at').dropColumn('last_error').execute();
}
