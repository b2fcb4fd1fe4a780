import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, Kysely, Migrator, MysqlDialect, sql } from 'kysely';
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
