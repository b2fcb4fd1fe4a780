import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Metric } from 'prom-client';
import type { DaprClient } from './dapr.ts';
import { type TripTransaction, transactionInTrips } from './db.ts';
import type { Logger } from './logger.ts';
import { domainGauge } from './metrics.ts';
import { eligibleRows, keyOf, retryDelayMs, type Settled, settle, splitRetries } from './outbox-plan.ts';
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
  /** Failed publishes charged to this event (only those while the broker took others). */
  attempts: Generated<number>;
  /** The traceparent of the transaction that recorded the event, if it ran in a trace. */
  trace_parent: string | null;
  /** Set when the event failed `maxAttempts` times: no longer sent until replayed. */
  parked_at: Generated<Date | null>;
  /** Why the last publish of this event failed. */
  last_error: Generated<string | null>;
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
 * The statement that records events (not empty) in the same transaction as the change they
 * describe, so they commit or fail together; the relay publishes them afterwards (at least once,
 * consumers dedupe by id).
 */
export function outboxInsert<DB extends OutboxDb>(trx: Transaction<DB> | Kysely<DB>, events: OutgoingEvent[]) {
  const traceParent = traceHeaders().traceparent ?? null;
  // A service's database type includes the outbox table; Kysely's types cannot see that through
  // the generic, so the narrowing is done here, once.
  return (trx as unknown as Kysely<OutboxDb>).insertInto('outbox').values(
    events.map((event) => ({
      event_id: event.eventId,
      topic: event.topic,
      partition_key: event.partitionKey,
      payload: JSON.stringify(event.payload),
      published_at: null,
      trace_parent: event.traceParent === undefined ? traceParent : event.traceParent,
    })),
  );
}

/** Records events in the transaction of the change they describe (outboxInsert). */
export async function enqueueEvents<DB extends OutboxDb>(
  trx: Transaction<DB> | Kysely<DB>,
  events: OutgoingEvent[],
): Promise<void> {
  if (events.length > 0) await outboxInsert(trx, events).execute();
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
  /** Failed publishes (while the broker took other events) after which an event is parked... */
  maxAttempts?: number;
  /** ...once it is at least this old. */
  minParkAgeMs?: number;
}

type PendingRow = Pick<
  Selectable<OutboxTable>,
  'id' | 'event_id' | 'topic' | 'partition_key' | 'payload' | 'created_at' | 'trace_parent' | 'attempts'
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

/**
 * Publishes pending outbox rows in id order, a batch per pass: each topic's rows in one bulk
 * publish, then one statement marks them sent. The claim is a locking read without SKIP LOCKED
 * at READ COMMITTED: a second replica's pass waits for this one instead of overtaking it (each
 * key stays in order), and writers inserting new rows never wait (no gap locks). An event the
 * broker refuses holds back only its own key (outbox-plan.ts) and is parked after `maxAttempts`.
 */
export function startOutboxRelay<DB extends OutboxDb>(options: OutboxRelayOptions<DB>) {
  const { dapr, pubsub, log } = options;
  const db = options.db as unknown as Kysely<OutboxDb>;
  const batchSize = options.batchSize ?? 500;
  const keepPublishedMs = options.keepPublishedMs ?? 3_600_000;
  const parkPolicy = { maxAttempts: options.maxAttempts ?? 10, minAgeMs: options.minParkAgeMs ?? 60_000 };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;
  let prunedAt = 0;

  /** Publishes one topic's rows in one call; returns the failed ones' ids with the reason. */
  async function publishTopic(topic: string, rows: PendingRow[]): Promise<Map<string, string>> {
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
    let failed: Map<string, string>;
    try {
      failed = new Map((await dapr.publishBulk(pubsub, topic, entries)).map((f) => [f.entryId, f.error]));
    } catch (err) {
      log.warn({ err, topic, events: rows.length }, 'outbox publish failed; will retry');
      failed = new Map(rows.map((row) => [String(row.id), (err as Error).message]));
    }
    const seconds = (performance.now() - started) / 1000;
    for (const row of rows)
      if (!failed.has(String(row.id))) options.onPublished?.({ topic, recordedAt: new Date(row.created_at) }, seconds);
    return failed;
  }

  // Looking for failing keys costs a query per pass: done while the last pass saw a failure or a
  // retried event, and at least once a second (another replica's failure shows up that way too).
  let failuresSeen = true;
  let headsCheckedAt = 0;
  const failingHeadsFor = async (trx: Kysely<OutboxDb>) => {
    if (!failuresSeen && Date.now() - headsCheckedAt < 1000) return [];
    headsCheckedAt = Date.now();
    return trx
      .selectFrom('outbox')
      .select(['topic', 'partition_key', (eb) => eb.fn.min('id').as('head')])
      .where('published_at', 'is', null)
      .where('parked_at', 'is', null)
      .where('attempts', '>', 0)
      .groupBy(['topic', 'partition_key'])
      .execute();
  };

  /** Pending rows in id order, minus those queued behind a failing event of their key. */
  async function claim(t: TripTransaction<OutboxDb>): Promise<PendingRow[]> {
    const failingHeads = await failingHeadsFor(t.db);
    const query = t.db
      .selectFrom('outbox')
      .select(['id', 'event_id', 'topic', 'partition_key', 'payload', 'created_at', 'trace_parent', 'attempts'])
      .where('published_at', 'is', null)
      .where('parked_at', 'is', null)
      .where((eb) =>
        eb.and(
          failingHeads.map((h) =>
            eb.or([eb('topic', '!=', h.topic), eb('partition_key', '!=', h.partition_key), eb('id', '<=', h.head)]),
          ),
        ),
      )
      .orderBy('id')
      .limit(batchSize)
      .forUpdate();
    const [rows] = await t.run([query] as const);
    return rows;
  }

  // Keys whose event failed, and until when they wait (outbox-plan.ts retryDelayMs).
  const backoff = new Map<string, { failures: number; until: number }>();
  const waiting = (row: PendingRow) => (backoff.get(keyOf(row))?.until ?? 0) > Date.now();

  function rememberOutcome(outcome: Settled<PendingRow>): void {
    for (const row of [...outcome.published, ...outcome.parked]) backoff.delete(keyOf(row));
    for (const row of [...outcome.charged, ...outcome.uncharged]) {
      const failures = (backoff.get(keyOf(row))?.failures ?? 0) + 1;
      backoff.set(keyOf(row), { failures, until: Date.now() + retryDelayMs(failures) });
    }
  }

  /** First tries by topic in one call each; retries in calls of their own (outbox-plan.ts). */
  async function publishAll(rows: PendingRow[]): Promise<Map<string, string>> {
    const { first, retries } = splitRetries(rows);
    const calls = [...byTopic(first), ...byTopic(retries)].map(([topic, list]) => publishTopic(topic, list));
    return new Map((await Promise.all(calls)).flatMap((failed) => [...failed]));
  }

  /** What marks a pass's outcome: published rows in one statement, failed ones each. */
  function outcomeUpdates(trx: Kysely<OutboxDb>, outcome: Settled<PendingRow>, errors: Map<string, string>) {
    const published = outcome.published.map((row) => row.id);
    const marked =
      published.length > 0
        ? [trx.updateTable('outbox').set({ published_at: new Date() }).where('id', 'in', published)]
        : [];
    const charged = [...outcome.charged, ...outcome.parked].map((row) =>
      trx
        .updateTable('outbox')
        .set({
          attempts: sql`attempts + 1`,
          last_error: (errors.get(String(row.id)) ?? 'unknown').slice(0, 1000),
          ...(outcome.parked.includes(row) ? { parked_at: new Date() } : {}),
        })
        .where('id', '=', row.id),
    );
    return [...marked, ...charged];
  }

  function reportParked(outcome: Settled<PendingRow>, errors: Map<string, string>): void {
    for (const row of outcome.parked)
      log.error(
        {
          eventId: row.event_id,
          topic: row.topic,
          partitionKey: row.partition_key,
          attempts: row.attempts + 1,
          lastError: (errors.get(String(row.id)) ?? 'unknown').slice(0, 1000),
        },
        'outbox event parked: the broker refuses it; later events of its key go on without it (replay once fixed)',
      );
  }

  /** One pass in two round trips: claim (with the transaction's start), then mark and commit. */
  async function relayBatch(): Promise<number> {
    return transactionInTrips(
      db,
      async (t) => {
        // Whole keys wait, so a key's later events never overtake its failed one.
        const rows = eligibleRows(await claim(t)).filter((row) => !waiting(row));
        const errors = await publishAll(rows);
        const outcome = settle(rows, new Set(errors.keys()), { ...parkPolicy, now: Date.now() });
        rememberOutcome(outcome);
        failuresSeen = errors.size > 0 || rows.some((row) => row.attempts > 0);
        await t.commit(outcomeUpdates(t.db, outcome, errors));
        reportParked(outcome, errors);
        return outcome.published.length;
      },
      { isolation: 'read committed' },
    );
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
        .where('parked_at', 'is', null)
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
    domainGauge('soulchat_outbox_parked_events', 'Events the broker refused too often, set aside until replayed', {
      async collect() {
        const row = await db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('parked_at', 'is not', null)
          .executeTakeFirst()
          .catch(() => undefined);
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

/** A parked event, as an operator sees it before replaying it. */
export interface ParkedEvent {
  id: number;
  eventId: string;
  topic: string;
  partitionKey: string;
  attempts: number;
  parkedAt: Date;
  lastError: string | null;
}

export async function parkedEvents<DB extends OutboxDb>(database: Kysely<DB>): Promise<ParkedEvent[]> {
  const db = database as unknown as Kysely<OutboxDb>;
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'event_id', 'topic', 'partition_key', 'attempts', 'parked_at', 'last_error'])
    .where('parked_at', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    topic: r.topic,
    partitionKey: r.partition_key,
    attempts: r.attempts,
    parkedAt: r.parked_at ?? new Date(0),
    lastError: r.last_error,
  }));
}

/**
 * Puts parked events (all, or those with these outbox ids) back in line with a fresh count of
 * attempts; the relay sends them at its next pass. Returns how many were replayed.
 */
export async function replayParked<DB extends OutboxDb>(database: Kysely<DB>, ids?: number[]): Promise<number> {
  const db = database as unknown as Kysely<OutboxDb>;
  if (ids && ids.length === 0) return 0;
  let query = db.updateTable('outbox').set({ parked_at: null, attempts: 0 }).where('parked_at', 'is not', null);
  if (ids) query = query.where('id', 'in', ids);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
