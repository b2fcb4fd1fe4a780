import type { Kysely, Transaction } from 'kysely';

/** The table of event ids a consuming service has already applied, in its own database. */
export interface ProcessedEventsTable {
  event_id: string;
  processed_at: Date;
}

export interface InboxDb {
  processed_events: ProcessedEventsTable;
}

/**
 * Records that an event is being applied, inside the transaction that applies it. Returns
 * false when it was applied before: a redelivery, to be acknowledged and otherwise ignored.
 */
export async function firstDelivery<DB extends InboxDb>(
  trx: Transaction<DB> | Kysely<DB>,
  eventId: string,
): Promise<boolean> {
  const result = await (trx as unknown as Kysely<InboxDb>)
    .insertInto('processed_events')
    .ignore()
    .values({ event_id: eventId, processed_at: new Date() })
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}
