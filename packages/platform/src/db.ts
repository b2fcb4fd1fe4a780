import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type Compilable, CompiledQuery, FileMigrationProvider, Kysely, Migrator, MysqlDialect, sql } from 'kysely';
import { createPool } from 'mysql2';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
}

/** One pool per service; the URL names the service's own database and user. */
export function createDatabase<DB>(options: DatabaseOptions): Kysely<DB> {
  const pool = createPool({
    uri: options.url,
    connectionLimit: options.poolSize ?? 10,
    // Dates and big numbers stay exact; rows are mapped explicitly by each repository.
    dateStrings: false,
    supportBigNumbers: true,
    timezone: 'Z',
    // One query may carry several statements (inOneTrip). Safe here because every statement is
    // built by Kysely with bound values; no service pastes text into SQL.
    multipleStatements: true,
  });
  return new Kysely<DB>({ dialect: new MysqlDialect({ pool }) });
}

export async function pingDatabase<DB>(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Applies the service's migrations (files named `<timestamp>-<change>.ts`) in order. */
export async function migrateToLatest<DB>(db: Kysely<DB>, folder: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: folder }),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** What each statement of a round trip gives back: rows for a read, nothing useful otherwise. */
export type TripResults<T extends readonly Compilable<unknown>[]> = {
  [K in keyof T]: T[K] extends Compilable<infer O> ? O[] : never;
};

/**
 * Runs several statements in one round trip, in order, on the connection `db` is bound to (a
 * `db.connection()` for a transaction spread over trips). Each loopback round trip costs this
 * process and MariaDB a few hundred microseconds of CPU, more than most statements themselves.
 * The values stay bound parameters (createDatabase allows several statements per query).
 * A failing statement stops the ones after it and rejects the trip.
 */
export async function inOneTrip<DB, T extends readonly Compilable<unknown>[]>(
  db: Kysely<DB>,
  statements: T,
): Promise<TripResults<T>> {
  const compiled = statements.map((s) => s.compile());
  const text = compiled.map((c) => c.sql).join(';\n');
  const result = await db.executeQuery(
    CompiledQuery.raw(
      text,
      compiled.flatMap((c) => [...c.parameters]),
    ),
  );
  // mysql2 answers one result per statement, but a single statement's result unwrapped.
  const results = compiled.length === 1 ? [result.rows] : result.rows;
  return results.map((r) => (Array.isArray(r) ? r : [])) as TripResults<T>;
}

const statement = (text: string): Compilable<never> => ({ compile: () => CompiledQuery.raw(text) });

/** A transaction whose statements travel in trips: `run` some, then `commit` the last ones. */
export interface TripTransaction<DB> {
  /** The transaction's connection: build statements on it, or run a single one. */
  db: Kysely<DB>;
  /** Runs statements in one trip; the first trip also starts the transaction. */
  run<T extends readonly Compilable<unknown>[]>(statements: T): Promise<TripResults<T>>;
  /** Runs the last statements and COMMIT in one trip. */
  commit<T extends readonly Compilable<unknown>[]>(statements: T): Promise<TripResults<T>>;
}

/**
 * A transaction in as few round trips as its statements' dependencies allow (inOneTrip), where
 * Kysely's transaction() makes one per statement plus BEGIN and COMMIT. Rolled back if `work`
 * throws or returns without committing.
 */
export async function transactionInTrips<DB, R>(
  db: Kysely<DB>,
  work: (t: TripTransaction<DB>) => Promise<R>,
  options: { isolation?: 'read committed' } = {},
): Promise<R> {
  return db.connection().execute(async (conn) => {
    let started = false;
    let committed = false;
    const trip = async <T extends readonly Compilable<unknown>[]>(statements: T, commit: boolean) => {
      const opening = started
        ? []
        : [
            ...(options.isolation ? [statement(`set transaction isolation level ${options.isolation}`)] : []),
            statement('start transaction'),
          ];
      started = true;
      const results = await inOneTrip(conn, [...opening, ...statements, ...(commit ? [statement('commit')] : [])]);
      if (commit) committed = true;
      return results.slice(opening.length, opening.length + statements.length) as TripResults<T>;
    };
    try {
      return await work({ db: conn, run: (s) => trip(s, false), commit: (s) => trip(s, true) });
    } finally {
      // Never hand the connection back inside a transaction; a lost connection has none left.
      if (started && !committed) await sql`rollback`.execute(conn).catch(() => {});
    }
  });
}
