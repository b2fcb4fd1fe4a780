import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDatabase, migrateToLatest } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { type FreshDatabase, freshDatabase } from '../../../tests/harness/database.ts';
import { applyRetention, recordDeletedUser } from '../src/db/retention.repository.ts';
import type { Database } from '../src/db/schema.ts';
import { retentionCutoffs } from '../src/domain/retention.ts';

const day = 86_400_000;
const now = new Date();
const daysAgo = (n: number) => new Date(now.getTime() - n * day);

/** Retention on a fresh, migrated notification database (MariaDB of the shared stack). */
describe('notification retention', () => {
  let fresh: FreshDatabase;
  let db: Kysely<Database>;
  before(async () => {
    fresh = await freshDatabase('notification_retention');
    db = createDatabase<Database>({ url: fresh.url, poolSize: 2 });
    await migrateToLatest(db, path.join(import.meta.dirname, '../src/db/migrations'));
  });
  after(async () => {
    await db?.destroy();
    await fresh?.drop();
  });

  const notification = (id: string, ageDays: number, read: boolean) =>
    db
      .insertInto('notifications')
      .values({
        id,
        user_id: 'u1',
        kind: 'message',
        title: id,
        body: id,
        data: '{}',
        source_id: id,
        created_at: daysAgo(ageDays),
        read_at: read ? daysAgo(ageDays) : null,
      })
      .execute();
  const delivery = (notificationId: string, status: 'pending' | 'sent') =>
    db
      .insertInto('deliveries')
      .values({
        user_id: 'u1',
        notification_id: notificationId,
        channel: 'email',
        recipient: 'u1@example.test',
        subject: 's',
        body: 'b',
        status,
        attempts: 0,
        next_attempt_at: now,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        created_at: now,
        sent_at: null,
      })
      .execute();

  test('read ones go after the short period, every one after the long; pending sends and fresh tombstones stay', async () => {
    await notification('old-read', 40, true);
    await notification('old-unread', 40, false);
    await notification('ancient-unread', 200, false);
    await notification('recent-read', 1, true);
    await delivery('old-read', 'sent');
    await delivery('ancient-unread', 'pending');
    await recordDeletedUser(db, 'gone-long-ago', daysAgo(20));
    await recordDeletedUser(db, 'gone-yesterday', daysAgo(1));

    const removed = await applyRetention(
      db,
      retentionCutoffs(now, { readDays: 30, allDays: 180, tombstoneDays: 14 }),
      2, // small batches, so more than one pass is needed
    );
    assert.equal(removed, 2);
    const left = await db.selectFrom('notifications').select('id').orderBy('id').execute();
    assert.deepEqual(
      left.map((r) => r.id),
      ['old-unread', 'recent-read'],
    );
    const deliveries = await db.selectFrom('deliveries').select(['notification_id', 'status']).execute();
    assert.deepEqual(
      deliveries,
      [{ notification_id: 'ancient-unread', status: 'pending' }],
      'a send still due keeps its text',
    );
    const tombstones = await db.selectFrom('deleted_users').select('user_id').execute();
    assert.deepEqual(
      tombstones.map((t) => t.user_id),
      ['gone-yesterday'],
    );
  });
});
