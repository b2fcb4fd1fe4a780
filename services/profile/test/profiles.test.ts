import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ErrorBody, outboxRows, type ProfileBody, startContext, type TestContext } from './context.ts';

interface ContractProfile {
  userId: string;
  username: string;
  displayName: string;
  bio: string;
  imageUrl: string;
  createdAt: string;
  updatedAt: string;
}

describe('profile service: creating and reading profiles', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await startContext();
  });
  after(async () => ctx?.close());

  const countProfiles = async () =>
    Number(
      (
        await ctx.db
          .selectFrom('profiles')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('creates a profile through the internal route, and a retry returns the same profile', async () => {
    const userId = randomUUID();
    const request = { userId, username: 'ada_lovelace', displayName: '  Ada Lovelace ' };
    const first = await ctx.call<ContractProfile>('POST', '/internal/profiles', { sidecar: true, body: request });
    assert.equal(first.status, 201);
    assert.equal(first.body.userId, userId);
    assert.equal(first.body.username, 'ada_lovelace');
    assert.equal(first.body.displayName, 'Ada Lovelace');
    assert.equal(first.body.bio, '', 'proto3 JSON emits the empty default');
    assert.equal(first.body.imageUrl, '');
    assert.ok(!Number.isNaN(Date.parse(first.body.createdAt)));

    const again = await ctx.call<ContractProfile>('POST', '/internal/profiles', { sidecar: true, body: request });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
    const rows = await ctx.db.selectFrom('profiles').selectAll().where('user_id', '=', userId).execute();
    assert.equal(rows.length, 1);
  });

  test('reads a profile with its follower and following counts', async () => {
    const [a, b, c] = [await ctx.newUser('A'), await ctx.newUser('B'), await ctx.newUser('C')];
    assert.equal((await ctx.call('PUT', `/profiles/${a}/follow`, { as: b })).status, 204);
    assert.equal((await ctx.call('PUT', `/profiles/${a}/follow`, { as: c })).status, 204);
    assert.equal((await ctx.call('PUT', `/profiles/${b}/follow`, { as: a })).status, 204);
    const res = await ctx.call<ProfileBody>('GET', `/profiles/${a}`, { as: c });
    assert.equal(res.status, 200);
    assert.equal(res.body.userId, a);
    assert.equal(res.body.displayName, 'A');
    assert.equal(res.body.bio, null);
    assert.equal(res.body.imageUrl, null);
    assert.equal(res.body.followers, 2);
    assert.equal(res.body.following, 1);
  });

  test('serves reads from the cache, and an update invalidates it', async () => {
    const me = await ctx.newUser('Before');
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${me}`, { as: me })).body.displayName, 'Before');
    // Changed behind the service's back: a cached read must not see it.
    await ctx.db.updateTable('profiles').set({ bio: 'sneaky' }).where('user_id', '=', me).execute();
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${me}`, { as: me })).body.bio, null, 'cache hit');

    const patched = await ctx.call<ProfileBody>('PATCH', '/profiles/me', {
      as: me,
      body: { displayName: ' After ' },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.displayName, 'After');
    const read = await ctx.call<ProfileBody>('GET', `/profiles/${me}`, { as: me });
    assert.equal(read.body.displayName, 'After');
    assert.equal(read.body.bio, 'sneaky', 're-read from the database after invalidation');
    assert.ok(Date.parse(read.body.updatedAt) >= Date.parse(read.body.createdAt));
  });

  test('a new follow invalidates the cached counts of both users', async () => {
    const [star, fan] = [await ctx.newUser(), await ctx.newUser()];
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${star}`, { as: fan })).body.followers, 0);
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${fan}`, { as: fan })).body.following, 0);
    await ctx.call('PUT', `/profiles/${star}/follow`, { as: fan });
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${star}`, { as: fan })).body.followers, 1);
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${fan}`, { as: fan })).body.following, 1);
    await ctx.call('DELETE', `/profiles/${star}/follow`, { as: fan });
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${star}`, { as: fan })).body.followers, 0);
  });

  test("clears bio and picture with null; a picture is an upload, never a URL of the caller's", async () => {
    const me = await ctx.newUser();
    await ctx.call('PATCH', '/profiles/me', { as: me, body: { bio: 'hi' } });
    // A picture set before uploads existed (a link): clearing it still works.
    await ctx.db
      .updateTable('profiles')
      .set({ image_url: 'https://x.example/a.png' })
      .where('user_id', '=', me)
      .execute();
    const url = await ctx.call<ErrorBody>('PATCH', '/profiles/me', {
      as: me,
      body: { imageUrl: 'https://x.example/b.png' },
    });
    assert.equal(url.status, 400);
    const cleared = await ctx.call<ProfileBody>('PATCH', '/profiles/me', {
      as: me,
      body: { bio: null, avatarMediaId: null },
    });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.bio, null);
    assert.equal(cleared.body.imageUrl, null);
  });

  test('records a profile.updated event in the outbox with each change, and none for a no-op', async () => {
    const me = await ctx.newUser('Old Name');
    await ctx.call('PATCH', '/profiles/me', { as: me, body: { displayName: 'New Name', bio: 'about me' } });
    await ctx.call('PATCH', '/profiles/me', { as: me, body: { displayName: 'New Name' } });
    const events = (await outboxRows(ctx.db, 'profile.updated')).filter((r) => r.partition_key === me);
    assert.equal(events.length, 1);
    const [event] = events;
    assert.ok(event);
    assert.equal(event.payload.userId, me);
    assert.equal(event.payload.displayName, 'New Name');
    assert.equal(event.payload.bio, 'about me');
    assert.equal(event.payload.imageUrl, '');
    const envelope = event.payload.envelope as { id: string; type: string; source: string };
    assert.equal(envelope.type, 'profile.updated');
    assert.equal(envelope.source, 'profile');
    assert.equal(envelope.id, event.event_id);
    assert.equal(event.published_at, null, 'the test app runs no relay');
  });

  test('refuses bad profile updates with 400 and changes nothing', async () => {
    const me = await ctx.newUser('Stable');
    const outboxBefore = (await outboxRows(ctx.db, 'profile.updated')).length;
    for (const body of [[], 'text', null, 42]) {
      // Not an object at all: the body parser or the schema refuses it, either way a 400.
      const res = await ctx.call<ErrorBody>('PATCH', '/profiles/me', { as: me, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(['VALIDATION_FAILED', 'BAD_REQUEST'].includes(res.body.error.code));
    }
    const cases: unknown[] = [
      {},
      { displayName: '' },
      { displayName: '   ' },
      { displayName: 'x'.repeat(51) },
      { displayName: 5 },
      { displayName: null },
      { displayName: 'two\nlines' },
      { bio: 'x'.repeat(501) },
      { bio: 7 },
      { imageUrl: 'https://cdn.example.com/a.png' },
      { imageUrl: 'javascript:alert(1)' },
      { avatarMediaId: 'not-an-id' },
      { avatarMediaId: 42 },
      { displayName: 'Fine', extra: true },
      { userId: 'someone-else' },
    ];
    for (const body of cases) {
      const res = await ctx.call<ErrorBody>('PATCH', '/profiles/me', { as: me, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED', JSON.stringify(body));
    }
    const malformed = await ctx.call<ErrorBody>('PATCH', '/profiles/me', { as: me, rawBody: '{"displayName":' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'BAD_REQUEST');
    const read = await ctx.call<ProfileBody>('GET', `/profiles/${me}`, { as: me });
    assert.equal(read.body.displayName, 'Stable');
    assert.equal((await outboxRows(ctx.db, 'profile.updated')).length, outboxBefore);
  });

  test('stores names and bios in full Unicode, counting an emoji as one character', async () => {
    const me = await ctx.newUser();
    const displayName = '🌱'.repeat(50);
    const bio = `Zoë writes 中文 and 🎉\n${'x'.repeat(480)}`;
    const res = await ctx.call<ProfileBody>('PATCH', '/profiles/me', { as: me, body: { displayName, bio } });
    assert.equal(res.status, 200);
    const row = await ctx.db.selectFrom('profiles').selectAll().where('user_id', '=', me).executeTakeFirstOrThrow();
    assert.equal(row.display_name, displayName);
    assert.equal(row.bio, bio);
  });

  test('answers odd requests with a 4xx JSON error, never a 500', async () => {
    const me = await ctx.newUser('Unchanged');
    const cases: Array<[string, string, { body?: unknown; rawBody?: string }]> = [
      ['GET', '/profiles/%E0%A4%A', {}],
      ['GET', '/profiles/%', {}],
      ['PUT', '/profiles/%ZZ/follow', {}],
      ['PATCH', '/profiles/me', { body: { bio: 'x'.repeat(300_000) } }],
      ['PATCH', '/profiles/me', { rawBody: '\u0000' }],
    ];
    for (const [method, path, options] of cases) {
      const res = await ctx.call<ErrorBody>(method, path, { as: me, ...options });
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} answered ${res.status}`);
      assert.equal(typeof res.body?.error?.code, 'string', `${method} ${path} has a JSON error`);
    }
    const plain = await fetch(`${ctx.base}/profiles/me`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await ctx.token(me)}`, 'content-type': 'text/plain' },
      body: 'displayName=Hacked',
    });
    assert.ok(plain.status >= 400 && plain.status < 500, `text body answered ${plain.status}`);
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${me}`, { as: me })).body.displayName, 'Unchanged');
  });

  test('answers 404 to an update from a user without a profile', async () => {
    const res = await ctx.call<ErrorBody>('PATCH', '/profiles/me', { as: randomUUID(), body: { bio: 'x' } });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'NOT_FOUND');
  });

  test('answers 404 for a missing profile and 400 for a malformed id', async () => {
    const me = await ctx.newUser();
    assert.equal((await ctx.call<ErrorBody>('GET', `/profiles/${randomUUID()}`, { as: me })).status, 404);
    for (const id of ['x'.repeat(37), 'a%20b', 'a.b', '%C3%A9']) {
      const res = await ctx.call<ErrorBody>('GET', `/profiles/${id}`, { as: me });
      assert.equal(res.status, 400, id);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
  });

  test('refuses bad create requests with 400 and stores nothing', async () => {
    const before = await countProfiles();
    const valid = { userId: randomUUID(), username: 'valid_name', displayName: 'Valid' };
    const cases: unknown[] = [
      {},
      [],
      'text',
      { ...valid, userId: '' },
      { ...valid, userId: 'x'.repeat(37) },
      { ...valid, userId: 'a/b' },
      { ...valid, userId: 42 },
      { ...valid, username: undefined },
      { ...valid, username: 'ab' },
      { ...valid, username: 'x'.repeat(33) },
      { ...valid, username: 'bad-name' },
      { ...valid, displayName: '' },
      { ...valid, displayName: '  ' },
      { ...valid, displayName: 'x'.repeat(51) },
      { ...valid, displayName: true },
      { ...valid, unknownField: 'x' },
    ];
    for (const body of cases) {
      const res = await ctx.call<ErrorBody>('POST', '/internal/profiles', { sidecar: true, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(['VALIDATION_FAILED', 'BAD_REQUEST'].includes(res.body.error.code), JSON.stringify(res.body));
      assert.equal(typeof res.body.error.message, 'string');
    }
    const malformed = await ctx.call<ErrorBody>('POST', '/internal/profiles', { sidecar: true, rawBody: '{' });
    assert.equal(malformed.status, 400);
    assert.equal(await countProfiles(), before);
  });

  test('deletes a profile through the internal route, and deleting a missing one succeeds', async () => {
    const [gone, other] = [await ctx.newUser(), await ctx.newUser()];
    await ctx.call('PUT', `/profiles/${gone}/follow`, { as: other });
    assert.equal((await ctx.call('DELETE', `/internal/profiles/${gone}`, { sidecar: true })).status, 204);
    assert.equal((await ctx.call('GET', `/profiles/${gone}`, { as: other })).status, 404);
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${other}`, { as: other })).body.following, 0);
    assert.equal((await ctx.call('DELETE', `/internal/profiles/${gone}`, { sidecar: true })).status, 204);
    assert.equal((await ctx.call('DELETE', `/internal/profiles/${randomUUID()}`, { sidecar: true })).status, 204);
    const bad = await ctx.call<ErrorBody>('DELETE', `/internal/profiles/${'x'.repeat(37)}`, { sidecar: true });
    assert.equal(bad.status, 400);
  });
});
