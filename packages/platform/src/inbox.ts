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

/**
 * Forgets dedupe records older than `before`, a batch at a time (no long lock on the table).
 * Safe once the broker can no longer redeliver them: keep them longer than its retention.
 */
export async function pruneProcessedEvents<DB extends InboxDb>(
  database: Kysely<DB>,
  before: Date,
  batchSize = 1000,
): Promise<number> {
  const db = database as unknown as Kysely<InboxDb>;
  let removed = 0;
  for (;;) {
    const result = await db
      .deleteFrom('processed_events')
      .where('processed_at', '<', before)
      .limit(batchSize)
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    removed += n;
    if (n < batchSize) return removed;
  }
}

/** Prunes processed_events every `intervalMs`, keeping `keepDays` (default 14, twice Kafka's 7-day retention). */
export function startInboxPruner<DB extends InboxDb>(options: {
  db: Kysely<DB>;
  log: { warn: (o: object, m: string) => void; info: (o: object, m: string) => void };
  keepDays?: number;
  intervalMs?: number;
}) {
  const keepMs = (options.keepDays ?? 14) * 86_400_000;
  const prune = async () => {
    try {
      const removed = await pruneProcessedEvents(options.db, new Date(Date.now() - keepMs));
      if (removed > 0) options.log.info({ removed }, 'pruned old dedupe records');
    } catch (err) {
      options.log.warn({ err }, 'pruning dedupe records failed; next pass retries');
    }
  };
  const timer = setInterval(() => void prune(), options.intervalMs ?? 3_600_000);
  timer.unref();
  return { prune, stop: () => clearInterval(timer) };
}
