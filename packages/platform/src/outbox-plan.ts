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

const keyOf = (row: PlannedRow) => `${row.topic}\u0000${row.partition_key}`;

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
