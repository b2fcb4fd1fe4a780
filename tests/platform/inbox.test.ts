import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDatabase, firstDelivery, type InboxDb, pruneProcessedEvents } from '@soulchat/platform';
import { type Kysely, sql } from 'kysely';
import { type FreshDatabase, freshDatabase } from '../harness/database.ts';

let fresh: FreshDatabase;
let db: Kysely<InboxDb>;

before(async () => {
  fresh = await freshDatabase('inbox_test');
  db = createDatabase<InboxDb>({ url: fresh.url, poolSize: 2 });
  await sql`CREATE TABLE processed_events (event_id varchar(128) PRIMARY KEY, processed_at datetime(3) NOT NULL)`.execute(
    db,
  );
});
after(async () => {
  await db.destroy();
  await fresh.drop();
});

test('pruning forgets only dedupe records older than the cut-off, in batches', async () => {
  const day = 86_400_000;
  const old = Array.from({ length: 25 }, (_, i) => ({
    event_id: `old-${i}`,
    processed_at: new Date(Date.now() - 30 * day),
  }));
  await db.insertInto('processed_events').values(old).execute();
  assert.equal(await firstDelivery(db, 'recent'), true);
  const removed = await pruneProcessedEvents(db, new Date(Date.now() - 14 * day), 10);
  assert.equal(removed, 25);
  const left = await db.selectFrom('processed_events').select('event_id').execute();
  assert.deepEqual(
    left.map((r) => r.event_id),
    ['recent'],
  );
  // The recent record still deduplicates.
  assert.equal(await firstDelivery(db, 'recent'), false);
});
