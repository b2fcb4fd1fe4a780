import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ProfileBody, startContext, type TestContext } from './context.ts';

interface Outcome {
  status: string;
}

/** A CloudEvent as daprd delivers it, carrying a UserDeleted message. */
function userDeletedEvent(userId: string, envelopeId = randomUUID(), cloudEventId = randomUUID()) {
  return {
    specversion: '1.0',
    id: cloudEventId,
    source: 'user',
    type: 'com.dapr.event.sent',
    topic: 'user.deleted',
    pubsubname: 'pubsub',
    datacontenttype: 'application/json',
    data: {
      envelope: { id: envelopeId, type: 'user.deleted', occurredAt: new Date().toISOString(), source: 'user' },
      userId,
    },
  };
}

describe('profile service: user.deleted events', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await startContext();
  });
  after(async () => ctx?.close());

  const deliver = (body: unknown) => ctx.call<Outcome>('POST', '/events/user-deleted', { sidecar: true, body });
  const rowsOf = async (userId: string) => ({
    profiles: await ctx.db.selectFrom('profiles').selectAll().where('user_id', '=', userId).execute(),
    follows: await ctx.db
      .selectFrom('follows')
      .selectAll()
      .where((eb) => eb.or([eb('follower_id', '=', userId), eb('following_id', '=', userId)]))
      .execute(),
    blocks: await ctx.db
      .selectFrom('blocks')
      .selectAll()
      .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
      .execute(),
  });

  test('announces its subscription to the sidecar', async () => {
    const res = await ctx.call<unknown[]>('GET', '/dapr/subscribe', { sidecar: true });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, [{ pubsubname: 'pubsub', topic: 'user.deleted', route: '/events/user-deleted' }]);
  });

  test('removes the profile, follows and blocks of a deleted user and refreshes counts of others', async () => {
    const [gone, friend, fan, enemy, victim] = await Promise.all([
      ctx.newUser(),
      ctx.newUser(),
      ctx.newUser(),
      ctx.newUser(),
      ctx.newUser(),
    ]);
    await ctx.call('PUT', `/profiles/${friend}/follow`, { as: gone });
    await ctx.call('PUT', `/profiles/${gone}/follow`, { as: fan });
    await ctx.call('PUT', `/profiles/${gone}/block`, { as: enemy });
    await ctx.call('PUT', `/profiles/${victim}/block`, { as: gone });
    // Cached with the counts that the deletion changes.
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${friend}`, { as: fan })).body.followers, 1);
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${fan}`, { as: fan })).body.following, 1);

    const event = userDeletedEvent(gone);
    const res = await deliver(event);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'SUCCESS' });
    assert.deepEqual(await rowsOf(gone), { profiles: [], follows: [], blocks: [] });
    assert.equal((await ctx.call('GET', `/profiles/${gone}`, { as: fan })).status, 404);
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${friend}`, { as: fan })).body.followers, 0);
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${fan}`, { as: fan })).body.following, 0);
    const processed = await ctx.db.selectFrom('processed_events').selectAll().execute();
    assert.ok(processed.some((p) => p.event_id === event.data.envelope.id));
  });

  test('a second delivery of the same event changes nothing, even under a new CloudEvent id', async () => {
    const userId = await ctx.newUser('Returning');
    const envelopeId = randomUUID();
    assert.deepEqual((await deliver(userDeletedEvent(userId, envelopeId))).body, { status: 'SUCCESS' });
    // The account is back (a saga retry, say) before the old event is redelivered.
    const recreated = await ctx.call('POST', '/internal/profiles', {
      sidecar: true,
      body: { userId, username: 'returning', displayName: 'Returning' },
    });
    assert.equal(recreated.status, 201);
    assert.deepEqual((await deliver(userDeletedEvent(userId, envelopeId))).body, { status: 'SUCCESS' });
    assert.deepEqual((await deliver(userDeletedEvent(userId, envelopeId, randomUUID()))).body, { status: 'SUCCESS' });
    assert.equal((await rowsOf(userId)).profiles.length, 1, 'the redelivered event did not apply again');
  });

  test('an event for a user this service never knew succeeds', async () => {
    assert.deepEqual((await deliver(userDeletedEvent(randomUUID()))).body, { status: 'SUCCESS' });
  });

  test('drops malformed events without touching any data', async () => {
    const keeper = await ctx.newUser();
    const good = userDeletedEvent(keeper);
    const cases: unknown[] = [
      { ...good, data: undefined },
      { ...good, data: 'text' },
      { ...good, data: { ...good.data, userId: 5 } },
      { ...good, data: { ...good.data, userId: '' } },
      { ...good, data: { ...good.data, userId: 'x'.repeat(37) } },
      { ...good, data: { ...good.data, unknownField: true } },
      { ...good, id: undefined, data: { userId: keeper } },
      { ...good, data: { ...good.data, envelope: { ...good.data.envelope, id: 'x'.repeat(129) } } },
      [],
    ];
    for (const body of cases) {
      const res = await deliver(body);
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual(res.body, { status: 'DROP' }, JSON.stringify(body));
    }
    assert.equal((await rowsOf(keeper)).profiles.length, 1);
  });

  test('refuses event deliveries without the app token', async () => {
    const keeper = await ctx.newUser();
    const body = JSON.stringify(userDeletedEvent(keeper));
    for (const headers of [{}, { 'dapr-api-token': 'wrong-token-wrong-token' }]) {
      const res = await fetch(`${ctx.base}/events/user-deleted`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      assert.equal(res.status, 401);
    }
    assert.equal((await fetch(`${ctx.base}/dapr/subscribe`)).status, 401);
    assert.equal((await rowsOf(keeper)).profiles.length, 1);
  });
});
