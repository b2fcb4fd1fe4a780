import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

// ER_LOCK_DEADLOCK: InnoDB rolled the whole transaction back, so running it again is safe.
const deadlock = 1213;
const maxAttempts = 3;

const isDeadlock = (err: unknown) => (err as { errno?: unknown } | null)?.errno === deadlock;

/** Runs `work` in one transaction, again from the start when InnoDB picked it as a deadlock victim. */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (attempt >= maxAttempts || !isDeadlock(err)) throw err;
    }
  }
}
