/**
 * Parked outbox events of a running stack (events the broker kept refusing; see
 * packages/platform/src/outbox.ts): `npm run outbox -- list` shows them per service,
 * `npm run outbox -- replay <service> [outbox id ...]` puts them (all, or those) back in line.
 * Reads the stack's stack-info.json (`--run-dir`, default the `npm start` stack's).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDatabase, type OutboxDb, parkedEvents, replayParked } from '@soulchat/platform';
import { sql } from 'kysely';
import { parseCommandLine } from './command-line.ts';
import type { StackInfo } from './stack/sidecar.ts';
import { defaultRunDir } from './stack/stack.ts';

const usage = `usage: npm run outbox -- list [--run-dir DIR]
       npm run outbox -- replay <service> [outbox id ...] [--run-dir DIR]`;

const { values, positionals } = parseCommandLine(
  { allowPositionals: true, options: { 'run-dir': { type: 'string' } } },
  usage,
);
const [command, service, ...ids] = positionals;
if ((command !== 'list' && command !== 'replay') || (command === 'replay' && !service)) {
  console.error(usage);
  process.exit(2);
}
const runDir = values['run-dir'] ? path.resolve(values['run-dir']) : defaultRunDir('dev');
const info = JSON.parse(readFileSync(path.join(runDir, 'stack-info.json'), 'utf8')) as StackInfo;
// One database per service: its first instance names it.
const databases = new Map<string, string>();
for (const app of info.apps) if (app.databaseUrl && !databases.has(app.id)) databases.set(app.id, app.databaseUrl);

async function withDatabase<T>(url: string, work: (db: ReturnType<typeof createDatabase<OutboxDb>>) => Promise<T>) {
  const db = createDatabase<OutboxDb>({ url });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

const hasOutbox = (url: string) =>
  withDatabase(url, async (db) => {
    const found =
      await sql`select 1 from information_schema.tables where table_schema = database() and table_name = 'outbox'`.execute(
        db,
      );
    return found.rows.length > 0;
  });
for (const [id, url] of databases) if (!(await hasOutbox(url))) databases.delete(id);

if (command === 'list') {
  for (const [id, url] of databases) {
    const parked = await withDatabase(url, parkedEvents);
    console.log(`${id}: ${parked.length} parked`);
    for (const e of parked) {
      console.log(
        `  #${e.id} ${e.topic} key ${e.partitionKey} event ${e.eventId} attempts ${e.attempts} at ${e.parkedAt.toISOString()}: ${e.lastError ?? ''}`,
      );
    }
  }
} else {
  const url = databases.get(service ?? '');
  if (!url) {
    console.error(`no database for "${service}"; services with an outbox: ${[...databases.keys()].join(', ')}`);
    process.exit(2);
  }
  const chosen = ids.length > 0 ? ids.map(Number) : undefined;
  if (chosen?.some((n) => !Number.isInteger(n) || n <= 0)) {
    console.error(`outbox ids are positive integers\n${usage}`);
    process.exit(2);
  }
  const count = await withDatabase(url, (db) => replayParked(db, chosen));
  console.log(`${service}: ${count} event(s) put back in line`);
}
