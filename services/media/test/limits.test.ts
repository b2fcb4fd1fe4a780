/**
 * Limits that take long or large data at the stack's settings, checked on an instance of the
 * media service of this test's own (its own sidecar and a fresh database, the shared storage):
 * a small quota, and uploads never sent that expire within seconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FreshDatabase, freshDatabase } from '../../../tests/harness/database.ts';
import type { ErrorBody } from '../../../tests/harness/http.ts';
import { call } from '../../../tests/harness/http.ts';
import { download, upload } from '../../../tests/harness/media.ts';
import { newPerson, type Person } from '../../../tests/harness/people.ts';
import { appUrl, eventually, startTestApp, type TestApp, uniqueId } from '../../../tests/harness/stack.ts';

const mib = 1024 * 1024;

describe('media limits on an instance of its own', () => {
  let db: FreshDatabase;
  let media: TestApp;
  let base: string;
  let person: Person;

  before(async () => {
    db = await freshDatabase('media_limits');
    // App id media (its binding is scoped to it), under a name of its own. It joins media's
    // consumer group while it runs; the events it may take then find nothing in its database.
    media = await startTestApp('media', {
      instance: uniqueId('media-limits'),
      workspace: 'services/media',
      entry: 'src/main.ts',
      calleeIds: ['user', 'chat'],
      env: { DATABASE_URL: db.url, QUOTA_BYTES: String(mib), UNSENT_TTL_SECONDS: '2', SWEEP_SECONDS: '1' },
    });
    base = media.url('');
    person = await newPerson(appUrl('user'), 'q');
  });
  after(async () => {
    await media?.stop();
    await db?.drop();
  });

  test('a user over the quota gets 413 naming it, and what is stored stays', async () => {
    const first = await upload(base, person.token, Buffer.alloc(600 * 1024, 0x61), 'a.txt');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const over = await upload<ErrorBody & { error: { details: { usedBytes: number; quotaBytes: number } } }>(
      base,
      person.token,
      Buffer.alloc(600 * 1024, 0x62),
      'b.txt',
    );
    assert.equal(over.status, 413);
    assert.equal(over.body.error.code, 'PAYLOAD_TOO_LARGE');
    assert.deepEqual(over.body.error.details, { usedBytes: 600 * 1024, quotaBytes: mib });
    const kept = await download(base, first.body.links.original);
    assert.equal(kept.bytes.length, 600 * 1024);
  });

  test('an upload no message took is removed when its time is up, bytes and all', async () => {
    const unsent = await upload(base, person.token, Buffer.from('never sent'), 'draft.txt');
    assert.equal(unsent.status, 201);
    const view = await call(`${base}/media/${unsent.body.id}?ttlSeconds=120`, { token: person.token });
    assert.equal(view.status, 200, 'there at first');
    await eventually(
      () => call(`${base}/media/${unsent.body.id}`, { token: person.token }),
      (r) => r.status === 404,
      15_000,
      'the unsent upload to expire',
    );
    assert.equal((await download(base, unsent.body.links.original)).status, 404);
  });
});
