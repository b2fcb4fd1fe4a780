import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDatabase, inOneTrip, transactionInTrips } from '@soulchat/platform';
import { type Kysely, sql } from 'kysely';
import { type FreshDatabase, freshDatabase } from '../harness/database.ts';

interface Db {
  counters: { id: string; n: number };
  notes: { id: string; text: string };
}

let fresh: FreshDatabase;
let db: Kysely<Db>;

before(async () => {
  fresh = await freshDatabase('trips_test');
  // One connection: a transaction left open would be seen by the next statement.
  db = createDatabase<Db>({ url: fresh.url, poolSize: 1 });
  await sql`CREATE TABLE counters (id varchar(16) PRIMARY KEY, n int NOT NULL)`.execute(db);
  await sql`CREATE TABLE notes (id varchar(16) PRIMARY KEY, text varchar(64) NOT NULL)`.execute(db);
  await db.insertInto('counters').values({ id: 'a', n: 0 }).execute();
});
after(async () => {
  await db.destroy();
  await fresh.drop();
});

const counter = async () =>
  (await db.selectFrom('counters').select('n').where('id', '=', 'a').executeTakeFirstOrThrow()).n;
const noteIds = async () => (await db.selectFrom('notes').select('id').orderBy('id').execute()).map((r) => r.id);

test('one trip answers each statement in order: rows for reads, empty for writes', async () => {
  const [written, counters, none] = await inOneTrip(db, [
    db.insertInto('notes').values({ id: 'n1', text: 'first' }),
    db.selectFrom('counters').select(['id', 'n']),
    db.selectFrom('notes').select('id').where('id', '=', 'missing'),
  ] as const);
  assert.deepEqual(written, []);
  assert.deepEqual(counters, [{ id: 'a', n: 0 }]);
  assert.deepEqual(none, []);
  // A value that looks like SQL stays a value.
  const [rows] = await inOneTrip(db, [
    db.selectFrom('notes').select('id').where('text', '=', "x'; drop table notes; --"),
  ]);
  assert.deepEqual(rows, []);
  assert.deepEqual(await noteIds(), ['n1']);
});

test('a transaction in trips commits what both trips wrote', async () => {
  const seen = await transactionInTrips(db, async (t) => {
    const [, [row]] = await t.run([
      t.db.updateTable('counters').set({ n: sql`n + 5` }).where('id', '=', 'a'),
      t.db.selectFrom('counters').select('n').where('id', '=', 'a'),
    ] as const);
    await t.commit([t.db.insertInto('notes').values({ id: 'n2', text: `at ${row?.n}` })] as const);
    return row?.n;
  });
  assert.equal(seen, 5);
  assert.equal(await counter(), 5);
  assert.deepEqual(await noteIds(), ['n1', 'n2']);
});

test('a failing statement in the commit trip rolls back the earlier trips too', async () => {
  await assert.rejects(
    transactionInTrips(db, async (t) => {
      await t.run([t.db.updateTable('counters').set({ n: sql`n + 1` }).where('id', '=', 'a')] as const);
      // n1 exists: the insert fails, so the COMMIT after it never runs.
      await t.commit([
        t.db.insertInto('notes').values({ id: 'n3', text: 'new' }),
        t.db.insertInto('notes').values({ id: 'n1', text: 'again' }),
      ] as const);
    }),
    (err: { code?: string }) => err.code === 'ER_DUP_ENTRY',
  );
  assert.equal(await counter(), 5);
  assert.deepEqual(await noteIds(), ['n1', 'n2']);
});

test('work that throws between trips, or never commits, leaves nothing behind', async () => {
  await assert.rejects(
    transactionInTrips(db, async (t) => {
      await t.run([t.db.insertInto('notes').values({ id: 'n4', text: 'lost' })] as const);
      throw new Error('the publish failed');
    }),
    /the publish failed/,
  );
  await transactionInTrips(db, async (t) => {
    await t.run([t.db.insertInto('notes').values({ id: 'n5', text: 'lost' })] as const);
  });
  assert.deepEqual(await noteIds(), ['n1', 'n2']);
});
