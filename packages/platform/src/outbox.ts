import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Metric } from 'prom-client';
import type { DaprClient } from './dapr.ts';
import type { Logger } from './logger.ts';
import { domainGauge } from './metrics.ts';
import { traceHeaders } from './telemetry.ts';

/** The outbox table each publishing service creates in its own database (see its migrations). */
export interface OutboxTable {
  id: Generated<number>;
  event_id: string;
  topic: string;
  partition_key: string;
  payload: string;
  created_at: Generated<Date>;
  published_at: Date | null;
  attempts: Generated<number>;
  /** The traceparent of the transaction that recorded the event, if it ran in a trace. */
  trace_parent: string | null;
}

export interface OutboxDb {
  outbox: OutboxTable;
}

export interface OutgoingEvent {
  eventId: string;
  topic: string;
  partitionKey: string;
  payload: unknown;
  /** The trace the event belongs to, when not the one active while it is recorded (a batch). */
  traceParent?: string | null;
}

/**
 * Records events in the same transaction as the change they describe, so they commit or fail
 * together; the relay publishes them afterwards (at least once, consumers dedupe by id).
 */
export async function enqueueEvents<DB extends OutboxDb>(
  trx: Transaction<DB> | Kysely<DB>,
  events: OutgoingEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const traceParent = traceHeaders().traceparent ?? null;
  // A service's database type includes the outbox table; Kysely's types cannot see that through
  // the generic, so the narrowing is done here, once.
  await (trx as unknown as Kysely<OutboxDb>)
    .insertInto('outbox')
    .values(
      events.map((event) => ({
        event_id: event.eventId,
        topic: event.topic,
        partition_key: event.partitionKey,
        payload: JSON.stringify(event.payload),
        published_at: null,
        trace_parent: event.traceParent === undefined ? traceParent : event.traceParent,
      })),
    )
    .execute();
}

export async function enqueueEvent<DB extends OutboxDb>(
  trx: Transaction<DB> | Kysely<DB>,
  event: OutgoingEvent,
): Promise<void> {
  await enqueueEvents(trx, [event]);
}

export interface OutboxRelayOptions<DB extends OutboxDb> {
  db: Kysely<DB>;
  dapr: DaprClient;
  pubsub: string;
  log: Logger;
  /** How often to look for events nobody nudged about (another replica's, or a failed publish). */
  intervalMs?: number;
  batchSize?: number;
  /** Published rows are kept this long (to look into), then deleted in small batches. */
  keepPublishedMs?: number;
  /**
   * A nudge waits this long before its pass, so the commits of a busy moment share one publish:
   * every publish call costs the sidecar and the broker about a millisecond of CPU, whatever its size.
   */
  lingerMs?: number;
  /** Told of each published event: when it was recorded and how long the publish call took. */
  onPublished?: (event: { topic: string; recordedAt: Date }, publishSeconds: number) => void;
}

type PendingRow = Pick<
  Selectable<OutboxTable>,
  'id' | 'event_id' | 'topic' | 'partition_key' | 'payload' | 'created_at' | 'trace_parent'
>;

/** Rows by topic, each list in id order: one bulk publish per topic keeps each key's order. */
function byTopic(rows: PendingRow[]): Map<string, PendingRow[]> {
  const groups = new Map<string, PendingRow[]>();
  for (const row of rows) {
    const list = groups.get(row.topic);
    if (list) list.push(row);
    else groups.set(row.topic, [row]);
  }
  return groups;
}

/** The rows up to (not including) the first failed one: later rows of its key must not overtake it. */
function beforeFirstFailure(rows: PendingRow[], failedIds: string[]): PendingRow[] {
  if (failedIds.length === 0) return rows;
  const failed = new Set(failedIds);
  const first = rows.findIndex((row) => failed.has(String(row.id)));
  return rows.slice(0, first < 0 ? rows.length : first);
}

/**
 * Publishes pending outbox rows in id order, a batch per pass: each topic's rows in one bulk
 * publish, then one statement marks them sent. The claim is a locking read without SKIP LOCKED
 * at READ COMMITTED: a second replica's pass waits for this one instead of overtaking it (each
 * key stays in order), and writers inserting new rows never wait (no gap locks).
 */
export function startOutboxRelay<DB extends OutboxDb>(options: OutboxRelayOptions<DB>) {
  const { dapr, pubsub, log } = options;
  const db = options.db as unknown as Kysely<OutboxDb>;
  const batchSize = options.batchSize ?? 500;
  const keepPublishedMs = options.keepPublishedMs ?? 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;
  let prunedAt = 0;

  async function publishTopic(topic: string, rows: PendingRow[]): Promise<PendingRow[]> {
    const started = performance.now();
    const entries = rows.map((row) => ({
      entryId: String(row.id),
      json: row.payload,
      // Each event keeps the trace of the transaction that recorded it (Dapr writes it into the CloudEvent).
      metadata: {
        partitionKey: row.partition_key,
        ...(row.trace_parent ? { 'cloudevent.traceparent': row.trace_parent } : {}),
      },
    }));
    let sent: PendingRow[];
    try {
      sent = beforeFirstFailure(rows, await dapr.publishBulk(pubsub, topic, entries));
    } catch (err) {
      log.warn({ err, topic, events: rows.length }, 'outbox publish failed; will retry');
      sent = [];
    }
    const seconds = (performance.now() - started) / 1000;
    for (const row of sent) options.onPublished?.({ topic, recordedAt: new Date(row.created_at) }, seconds);
    return sent;
  }

  async function relayBatch(): Promise<number> {
    return db
      .transaction()
      .setIsolationLevel('read committed')
      .execute(async (trx) => {
        const rows = await trx
          .selectFrom('outbox')
          .select(['id', 'event_id', 'topic', 'partition_key', 'payload', 'created_at', 'trace_parent'])
          .where('published_at', 'is', null)
          .orderBy('id')
          .limit(batchSize)
          .forUpdate()
          .execute();
        const groups = [...byTopic(rows)];
        const sent = (await Promise.all(groups.map(([topic, list]) => publishTopic(topic, list)))).flat();
        const published = new Set(sent);
        const unsent = rows.filter((row) => !published.has(row));
        if (sent.length > 0)
          await trx
            .updateTable('outbox')
            .set({ published_at: new Date() })
            .where(
              'id',
              'in',
              sent.map((row) => row.id),
            )
            .execute();
        if (unsent.length > 0)
          await trx
            .updateTable('outbox')
            .set({ attempts: sql`attempts + 1` })
            .where(
              'id',
              'in',
              unsent.map((row) => row.id),
            )
            .execute();
        return sent.length;
      });
  }

  /** Runs passes until the backlog is gone; a nudge during a pass asks for one more after it. */
  /** One pass, run again at once when InnoDB picked it as a deadlock victim (seen under load). */
  async function relayBatchRetried(attempt = 1): Promise<number> {
    try {
      return await relayBatch();
    } catch (err) {
      if (attempt >= 3 || (err as { code?: string }).code !== 'ER_LOCK_DEADLOCK') throw err;
      return relayBatchRetried(attempt + 1);
    }
  }

  async function drain(): Promise<number> {
    let total = 0;
    do {
      again = false;
      const count = await relayBatchRetried();
      total += count;
      if (count === batchSize) again = true;
    } while (again && !stopped);
    return total;
  }

  /** Publishes now (after a write that wants low latency; also used by tests). */
  async function flush(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = drain().finally(() => (running = undefined));
    return running;
  }

  let nudged = false;
  /** Asks for a pass soon (after lingerMs): the call to make after each committed write. */
  function nudge(): void {
    if (nudged || stopped) return;
    nudged = true;
    setTimeout(() => {
      nudged = false;
      flush().catch((err: unknown) => log.warn({ err }, 'outbox flush failed'));
    }, options.lingerMs ?? 0);
  }

  async function pruneIfDue(): Promise<void> {
    if (Date.now() - prunedAt < 60_000) return;
    prunedAt = Date.now();
    await db
      .deleteFrom('outbox')
      .where('published_at', '<', new Date(Date.now() - keepPublishedMs))
      .limit(5000)
      .execute();
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        await flush();
        await pruneIfDue();
      } catch (err) {
        log.warn({ err }, 'outbox relay pass failed');
      }
      schedule();
    }, options.intervalMs ?? 200);
  };
  schedule();

  return {
    flush,
    nudge,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type OutboxRelay = ReturnType<typeof startOutboxRelay>;

/**
 * How far the relay is behind: unpublished events and the age of the oldest, read at scrape
 * time (soulchat_outbox_* in the dashboards and the outbox-lag alert).
 */
export function outboxMetrics<DB extends OutboxDb>(database: Kysely<DB>): Metric[] {
  const db = database as unknown as Kysely<OutboxDb>;
  // Both gauges are read in one scrape: one query serves them (reused for a second).
  let last: { at: number; read: Promise<{ n: number; oldest: Date | null } | undefined> } | undefined;
  const pending = () => {
    if (!last || Date.now() - last.at > 1000) {
      const read = db
        .selectFrom('outbox')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
        .where('published_at', 'is', null)
        .executeTakeFirst()
        // A database that is down must not fail the whole scrape: the gauges keep their last value.
        .catch(() => undefined);
      last = { at: Date.now(), read };
    }
    return last.read;
  };
  return [
    domainGauge('soulchat_outbox_pending_events', 'Events recorded in the outbox and not yet published', {
      async collect() {
        const row = await pending();
        if (row) this.set(Number(row.n));
      },
    }),
    domainGauge('soulchat_outbox_oldest_pending_seconds', 'Age of the oldest unpublished outbox event (0 when none)', {
      async collect() {
        const row = await pending();
        if (row) this.set(row.oldest ? Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000) : 0);
      },
    }),
  ];
}
