import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ErrorBody, outboxRows, type ProfileBody, startContext, type TestContext } from './context.ts';

interface Relationship {
  following: boolean;
  followedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
}

describe('profile service: blocks and relationships', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await startContext();
  });
  after(async () => ctx?.close());

  const relationship = async (me: string, other: string) =>
    (await ctx.call<Relationship>('GET', `/profiles/${other}/relationship`, { as: me })).body;
  const blockCheck = (a: string, b: string) =>
    ctx.call<{ blocked: boolean }>('GET', `/internal/blocks?a=${a}&b=${b}`, { sidecar: true });

  test('reports follows and blocks in both directions', async () => {
    const [me, other] = [await ctx.newUser(), await ctx.newUser()];
    const none = { following: false, followedBy: false, blocking: false, blockedBy: false };
    assert.deepEqual(await relationship(me, other), none);
    await ctx.call('PUT', `/profiles/${other}/follow`, { as: me });
    assert.deepEqual(await relationship(me, other), { ...none, following: true });
    assert.deepEqual(await relationship(other, me), { ...none, followedBy: true });
    await ctx.call('PUT', `/profiles/${me}/follow`, { as: other });
    assert.deepEqual(await relationship(me, other), { ...none, following: true, followedBy: true });
    await ctx.call('PUT', `/profiles/${me}/block`, { as: other });
    assert.deepEqual(await relationship(me, other), { ...none, blockedBy: true });
    assert.deepEqual(await relationship(other, me), { ...none, blocking: true });
    assert.equal((await ctx.call('GET', `/profiles/${randomUUID()}/relationship`, { as: me })).status, 404);
    assert.equal((await ctx.call('GET', `/profiles/${'x'.repeat(37)}/relationship`, { as: me })).status, 400);
  });

  test('records block.changed with each real change (block, unblock), none for a repeat', async () => {
    const [me, other] = [await ctx.newUser(), await ctx.newUser()];
    for (const method of ['PUT', 'PUT', 'DELETE', 'DELETE', 'PUT'] as const) {
      assert.equal((await ctx.call(method, `/profiles/${other}/block`, { as: me })).status, 204);
    }
    const events = (await outboxRows(ctx.db, 'block.changed')).filter((e) => e.partition_key === me);
    assert.deepEqual(
      events.map((e) => [e.payload.blockerId, e.payload.blockedId, e.payload.blocked]),
      [
        [me, other, true],
        [me, other, false],
        [me, other, true],
      ],
    );
  });

  test('blocking removes the follows both ways, once, and updates the counts', async () => {
    const [me, other, bystander] = [await ctx.newUser(), await ctx.newUser(), await ctx.newUser()];
    await ctx.call('PUT', `/profiles/${other}/follow`, { as: me });
    await ctx.call('PUT', `/profiles/${me}/follow`, { as: other });
    await ctx.call('PUT', `/profiles/${me}/follow`, { as: bystander });
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${me}`, { as: me })).body.followers, 2);

    assert.equal((await ctx.call('PUT', `/profiles/${other}/block`, { as: me })).status, 204);
    assert.equal((await ctx.call('PUT', `/profiles/${other}/block`, { as: me })).status, 204);
    const blocks = await ctx.db.selectFrom('blocks').selectAll().where('blocker_id', '=', me).execute();
    assert.equal(blocks.length, 1);
    const follows = await ctx.db
      .selectFrom('follows')
      .selectAll()
      .where((eb) => eb.or([eb('follower_id', 'in', [me, other]), eb('following_id', 'in', [me, other])]))
      .execute();
    assert.deepEqual(
      follows.map((f) => [f.follower_id, f.following_id]),
      [[bystander, me]],
      'only the bystander follow is left',
    );
    const mine = await ctx.call<ProfileBody>('GET', `/profiles/${me}`, { as: me });
    assert.equal(mine.body.followers, 1);
    assert.equal(mine.body.following, 0);
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${other}`, { as: me })).body.followers, 0);
  });

  test('unblocking is idempotent and lets follows happen again', async () => {
    const [me, other] = [await ctx.newUser(), await ctx.newUser()];
    await ctx.call('PUT', `/profiles/${other}/block`, { as: me });
    assert.equal((await ctx.call('PUT', `/profiles/${other}/follow`, { as: me })).status, 403);
    assert.equal((await ctx.call('DELETE', `/profiles/${other}/block`, { as: me })).status, 204);
    assert.equal((await ctx.call('DELETE', `/profiles/${other}/block`, { as: me })).status, 204);
    assert.equal((await ctx.call('PUT', `/profiles/${other}/follow`, { as: me })).status, 204);
    assert.equal((await relationship(me, other)).blocking, false);
  });

  test('refuses to block oneself (400) or a missing user (404)', async () => {
    const me = await ctx.newUser();
    const self = await ctx.call<ErrorBody>('PUT', `/profiles/${me}/block`, { as: me });
    assert.equal(self.status, 400);
    assert.equal(self.body.error.code, 'BAD_REQUEST');
    assert.equal((await ctx.call('DELETE', `/profiles/${me}/block`, { as: me })).status, 400);
    assert.equal((await ctx.call('PUT', `/profiles/${randomUUID()}/block`, { as: me })).status, 404);
    assert.equal((await ctx.call('PUT', `/profiles/${'x'.repeat(37)}/block`, { as: me })).status, 400);
    const rows = await ctx.db.selectFrom('blocks').selectAll().where('blocker_id', '=', me).execute();
    assert.equal(rows.length, 0);
  });

  test('the internal block check sees a block in either direction', async () => {
    const [a, b, c] = [await ctx.newUser(), await ctx.newUser(), await ctx.newUser()];
    assert.deepEqual((await blockCheck(a, b)).body, { blocked: false });
    await ctx.call('PUT', `/profiles/${b}/block`, { as: a });
    assert.deepEqual((await blockCheck(a, b)).body, { blocked: true });
    assert.deepEqual((await blockCheck(b, a)).body, { blocked: true });
    assert.deepEqual((await blockCheck(a, c)).body, { blocked: false });
    assert.deepEqual((await blockCheck(a, a)).body, { blocked: false });
  });

  test('the internal block check refuses bad input with 400', async () => {
    const a = randomUUID();
    for (const query of ['', `a=${a}`, `b=${a}`, `a=${a}&b=${'x'.repeat(37)}`, `a=&b=${a}`, `a=${a}&b=a%2Fb`]) {
      const res = await ctx.call<ErrorBody>('GET', `/internal/blocks?${query}`, { sidecar: true });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
  });
});
