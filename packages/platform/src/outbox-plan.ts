/**
 * What the outbox relay does with a claimed batch (pure: no I/O). A row that failed before goes
 * out alone for its key, its key's later rows wait behind it; rows of other keys are not held up.
 * A failure counts against a row only when the same pass published something (the broker is up,
 * so the row itself is the problem); after `maxAttempts` such failures, and once it is older than
 * `minAgeMs` (a partition briefly without a leader must not park good events), it is parked.
 */

export interface PlannedRow {
  id: number;
  topic: string;
  partition_key: string;
  attempts: number;
  created_at: Date;
}

export interface ParkPolicy {
  maxAttempts: number;
  minAgeMs: number;
  now: number;
}

export const keyOf = (row: PlannedRow) => `${row.topic}\u0000${row.partition_key}`;

/** The rows to publish in this pass, in id order: a failing head goes alone for its key. */
export function eligibleRows<R extends PlannedRow>(rows: R[]): R[] {
  const held = new Set<string>();
  return rows.filter((row) => {
    const key = keyOf(row);
    if (held.has(key)) return false;
    if (row.attempts > 0) held.add(key);
    return true;
  });
}

export interface Settled<R> {
  published: R[];
  /** Failed, and charged one attempt (to be retried). */
  charged: R[];
  /** Failed for the last allowed time: set aside, so its key's later rows may go. */
  parked: R[];
  /** Failed in a pass where nothing went out (an outage): retried, not charged. */
  uncharged: R[];
}

export function settle<R extends PlannedRow>(sentRows: R[], failedIds: Set<string>, policy: ParkPolicy): Settled<R> {
  const published = sentRows.filter((row) => !failedIds.has(String(row.id)));
  const failed = sentRows.filter((row) => failedIds.has(String(row.id)));
  if (published.length === 0) return { published, charged: [], parked: [], uncharged: failed };
  const parks = (row: R) =>
    row.attempts + 1 >= policy.maxAttempts && policy.now - row.created_at.getTime() >= policy.minAgeMs;
  return { published, charged: failed.filter((row) => !parks(row)), parked: failed.filter(parks), uncharged: [] };
}

/**
 * How long a key whose event just failed waits before that event is tried again: 1 s, doubling
 * per failure, at most 10 s (also the longest a key waits after a broker outage ends). Without
 * the wait a refused event was sent in every pass, and each call counts, with Dapr's retries, six
 * failures against the pub/sub circuit breaker: two passes in a row opened it (seen in CI), and
 * every event of the service then waited for it to close.
 */
export function retryDelayMs(failures: number): number {
  return Math.min(1000 * 2 ** Math.max(0, failures - 1), 10_000);
}

/**
 * Splits a pass's rows into first tries and retries. Retries go in calls of their own, so an
 * event the broker refuses never fails the call that carries other keys' events.
 */
export function splitRetries<R extends PlannedRow>(rows: R[]): { first: R[]; retries: R[] } {
  return { first: rows.filter((row) => row.attempts === 0), retries: rows.filter((row) => row.attempts > 0) };
}
