import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, DeliveriesTable, DeliveryRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type NewDelivery = Pick<
  DeliveriesTable,
  'user_id' | 'notification_id' | 'channel' | 'recipient' | 'subject' | 'body'
>;

export async function insertDelivery(db: Db, delivery: NewDelivery): Promise<void> {
  const now = new Date();
  await db
    .insertInto('deliveries')
    .ignore()
    .values({
      ...delivery,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
}

/**
 * Claims up to `limit` due sends for one pass of one worker: a lease, not a held lock, so a slow
 * provider never keeps a transaction open, and a worker that dies loses its claim when it expires.
 */
export async function claimDue(db: Kysely<Database>, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
  const owner = randomUUID();
  const now = new Date();
  await db
    .updateTable('deliveries')
    .set({ lease_owner: owner, lease_until: new Date(now.getTime() + leaseMs) })
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('lease_owner', '=', owner)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * When the earliest pending send can next be claimed: its next attempt, or the end of a claim
 * another worker holds on it, whichever is later (claimDue skips rows under a live lease).
 * Undefined when nothing is pending. Served by the deliveries_due index (status first).
 */
export async function nextDueAt(db: Kysely<Database>): Promise<Date | undefined> {
  const row = await db
    .selectFrom('deliveries')
    .select(sql<Date | null>`min(greatest(next_attempt_at, coalesce(lease_until, next_attempt_at)))`.as('due'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.due ? new Date(row.due) : undefined;
}

export async function markSent(db: Db, id: number, attempts: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: 'sent', attempts, sent_at: new Date(), lease_owner: null, lease_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** A failed send: tried again at `retryAt`, or recorded as failed when there is none. */
export async function markAttemptFailed(
  db: Db,
  id: number,
  attempts: number,
  error: string,
  retryAt?: Date,
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({
      status: retryAt ? 'pending' : 'failed',
      attempts,
      last_error: error.slice(0, 500),
      lease_owner: null,
      lease_until: null,
      ...(retryAt ? { next_attempt_at: retryAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}
