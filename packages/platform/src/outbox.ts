import type { Generated, Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Metric } from 'prom-client';
import type { DaprClient } from './dapr.ts';
import type { Logger } from './logger.ts';
import { domainGauge } from './metrics.ts';
import { traceHeaders, withTraceParent } from './telemetry.ts';

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
}

/**
 * Records an event in the same transaction as the change it describes, so the two commit or
 * fail together; the relay publishes it afterwards (at least once, consumers dedupe by id).
 */
export async function enqueueEvent<DB extends OutboxDb>(
  trx: Transaction<DB> | Kysely<DB>,
  event: OutgoingEvent,
): Promise<void> {
  // A service's database type includes the outbox table; Kysely's types cannot see that through
  // the generic, so the narrowing is done here, once.
  await (trx as unknown as Kysely<OutboxDb>)
    .insertInto('outbox')
    .values({
      event_id: event.eventId,
      topic: event.topic,
      partition_key: event.partitionKey,
      payload: JSON.stringify(event.payload),
      published_at: null,
      trace_parent: traceHeaders().traceparent ?? null,
    })
    .execute();
}

export interface OutboxRelayOptions<DB extends OutboxDb> {
  db: Kysely<DB>;
  dapr: DaprClient;
  pubsub: string;
  log: Logger;
  intervalMs?: number;
  batchSize?: number;
}

/**
 * Publishes pending outbox rows in id order. Rows are claimed with SKIP LOCKED so several
 * replicas can relay at once without publishing the same row concurrently.
 */
export function startOutboxRelay<DB extends OutboxDb>(options: OutboxRelayOptions<DB>) {
  const { dapr, pubsub, log } = options;
  const db = options.db as unknown as Kysely<OutboxDb>;
  const batchSize = options.batchSize ?? 50;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function relayBatch(): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        .selectAll()
        .where('published_at', 'is', null)
        .orderBy('id')
        .limit(batchSize)
        .forUpdate()
        .modifyEnd(sql`skip locked`)
        .execute();
      let published = 0;
      for (const row of rows) {
        try {
          // Published inside the recording transaction's trace: Dapr writes it into the CloudEvent.
          await withTraceParent(row.trace_parent, () =>
            dapr.publish(pubsub, row.topic, JSON.parse(row.payload) as unknown, { partitionKey: row.partition_key }),
          );
        } catch (err) {
          await trx.updateTable('outbox').set({ attempts: sql`attempts + 1` }).where('id', '=', row.id).execute();
          log.warn({ err, eventId: row.event_id, topic: row.topic }, 'outbox publish failed; will retry');
          // Stop at the first failure so later events of the same key do not overtake it.
          break;
        }
        await trx.updateTable('outbox').set({ published_at: new Date() }).where('id', '=', row.id).execute();
        published++;
      }
      return published;
    });
  }

  /** Runs one pass now (also used by tests and after a write that wants low latency). */
  async function flush(): Promise<number> {
    if (!running) running = relayBatch().finally(() => (running = undefined));
    return running;
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        const count = await flush();
        if (count === batchSize) return void setImmediate(schedule);
      } catch (err) {
        log.warn({ err }, 'outbox relay pass failed');
      }
      schedule();
    }, options.intervalMs ?? 200);
  };
  schedule();

  return {
    flush,
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
