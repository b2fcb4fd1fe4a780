import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  type ErrorBody,
  outboxRows,
  type PageBody,
  type ProfileBody,
  startContext,
  type TestContext,
} from './context.ts';

/** Newest first; follows of the same millisecond by user id, descending (the index order). */
function assertNewestFirst(items: PageBody['items']): void {
  for (let i = 1; i < items.length; i++) {
    const [prev, next] = [items[i - 1], items[i]];
    assert.ok(prev && next);
    const [a, b] = [Date.parse(prev.since), Date.parse(next.since)];
    assert.ok(a > b || (a === b && prev.userId > next.userId), `entry ${i} is out of order`);
  }
}

describe('profile service: follows', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await startContext();
  });
  after(async () => ctx?.close());

  const followRows = (follower: string, following: string) =>
    ctx.db
      .selectFrom('follows')
      .selectAll()
      .where('follower_id', '=', follower)
      .where('following_id', '=', following)
      .execute();

  /** Every page of a list, following `next` until it is null. */
  async function allPages(userId: string, list: 'followers' | 'following', limit: number, as: string) {
    const pages: PageBody[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await ctx.call<PageBody>('GET', `/profiles/${userId}/${list}?${query}`, { as });
      assert.equal(res.status, 200);
      pages.push(res.body);
      cursor = res.body.next;
    } while (cursor && pages.length < 50);
    return pages;
  }

  test('following twice makes one follow and one follow.created event', async () => {
    const [star, fan] = [await ctx.newUser(), await ctx.newUser()];
    assert.equal((await ctx.call('PUT', `/profiles/${star}/follow`, { as: fan })).status, 204);
    assert.equal((await ctx.call('PUT', `/profiles/${star}/follow`, { as: fan })).status, 204);
    assert.equal((await followRows(fan, star)).length, 1);
    const events = (await outboxRows(ctx.db, 'follow.created')).filter((e) => e.payload.followerId === fan);
    assert.equal(events.length, 1);
    const [event] = events;
    assert.ok(event);
    assert.equal(event.partition_key, star, 'keyed by the followed user');
    assert.equal(event.payload.followingId, star);
    const envelope = event.payload.envelope as { id: string; type: string };
    assert.equal(envelope.type, 'follow.created');
    assert.equal(envelope.id, event.event_id);
    assert.equal((await ctx.call<ProfileBody>('GET', `/profiles/${star}`, { as: fan })).body.followers, 1);
  });

  test('unfollowing is idempotent, and following again records a new event', async () => {
    const [star, fan] = [await ctx.newUser(), await ctx.newUser()];
    await ctx.call('PUT', `/profiles/${star}/follow`, { as: fan });
    assert.equal((await ctx.call('DELETE', `/profiles/${star}/follow`, { as: fan })).status, 204);
    assert.equal((await ctx.call('DELETE', `/profiles/${star}/follow`, { as: fan })).status, 204);
    assert.equal((await followRows(fan, star)).length, 0);
    const read = await ctx.call<ProfileBody>('GET', `/profiles/${fan}`, { as: fan });
    assert.equal(read.body.following, 0);
    await ctx.call('PUT', `/profiles/${star}/follow`, { as: fan });
    const events = (await outboxRows(ctx.db, 'follow.created')).filter((e) => e.payload.followerId === fan);
    assert.equal(events.length, 2);
    assert.equal(
      (await ctx.call('DELETE', `/profiles/${randomUUID()}/follow`, { as: fan })).status,
      204,
      'unfollowing a missing user succeeds',
    );
  });

  test('refuses to follow oneself (400), a missing user (404), and as a user without a profile (403)', async () => {
    const me = await ctx.newUser();
    const self = await ctx.call<ErrorBody>('PUT', `/profiles/${me}/follow`, { as: me });
    assert.equal(self.status, 400);
    assert.equal(self.body.error.code, 'BAD_REQUEST');
    assert.equal((await ctx.call('DELETE', `/profiles/${me}/follow`, { as: me })).status, 400);
    const missing = await ctx.call<ErrorBody>('PUT', `/profiles/${randomUUID()}/follow`, { as: me });
    assert.equal(missing.status, 404);
    const ghost = randomUUID();
    const orphan = await ctx.call<ErrorBody>('PUT', `/profiles/${me}/follow`, { as: ghost });
    assert.equal(orphan.status, 403);
    assert.equal((await followRows(ghost, me)).length, 0);
    assert.equal((await followRows(me, me)).length, 0);
  });

  test('refuses to follow across a block in either direction (403)', async () => {
    const [blocker, blocked] = [await ctx.newUser(), await ctx.newUser()];
    assert.equal((await ctx.call('PUT', `/profiles/${blocked}/block`, { as: blocker })).status, 204);
    const out = await ctx.call<ErrorBody>('PUT', `/profiles/${blocked}/follow`, { as: blocker });
    assert.equal(out.status, 403);
    assert.equal(out.body.error.code, 'FORBIDDEN');
    assert.equal((await ctx.call('PUT', `/profiles/${blocker}/follow`, { as: blocked })).status, 403);
    assert.equal((await followRows(blocker, blocked)).length, 0);
    assert.equal((await followRows(blocked, blocker)).length, 0);
  });

  test('pages through followers newest first, with no duplicates even when follows arrive between pages', async () => {
    const star = await ctx.newUser('Star');
    const fans: string[] = [];
    for (let i = 0; i < 25; i++) {
      const fan = await ctx.newUser(`Fan ${i}`);
      await ctx.call('PUT', `/profiles/${star}/follow`, { as: fan });
      fans.push(fan);
    }
    const first = await ctx.call<PageBody>('GET', `/profiles/${star}/followers?limit=10`, { as: star });
    assert.equal(first.body.items.length, 10);
    assert.ok(first.body.next);
    const late = await ctx.newUser('Late');
    await ctx.call('PUT', `/profiles/${star}/follow`, { as: late });
    const fresh = (await allPages(star, 'followers', 10, star)).flatMap((p) => p.items);
    assert.equal(fresh.length, 26);
    assert.ok(
      fresh.slice(0, 2).some((i) => i.userId === late),
      'a fresh listing starts with the newest follower',
    );

    let cursor: string | null = first.body.next;
    const items = [...first.body.items];
    while (cursor) {
      const page: { body: PageBody } = await ctx.call<PageBody>(
        'GET',
        `/profiles/${star}/followers?limit=10&cursor=${cursor}`,
        {
          as: star,
        },
      );
      items.push(...page.body.items);
      cursor = page.body.next;
    }
    const seen = items.map((i) => i.userId);
    assert.equal(seen.length, 25);
    assert.equal(new Set(seen).size, 25, 'no follower appears on two pages');
    assert.deepEqual([...seen].sort(), [...fans].sort(), 'every follower before the cursor appears once');
    assertNewestFirst(items);
    const item = first.body.items[0];
    assert.ok(item);
    assert.ok(item.displayName.startsWith('Fan '));
    assert.ok(item.username.startsWith('u_'));
    assert.equal(item.imageUrl, null);
    assert.ok(!Number.isNaN(Date.parse(item.since)));
  });

  test('pages correctly through follows made in the same millisecond', async () => {
    const star = await ctx.newUser();
    const fans = await Promise.all(Array.from({ length: 7 }, () => ctx.newUser()));
    const sameTime = new Date('2026-02-03T04:05:06.789Z');
    await ctx.db
      .insertInto('follows')
      .values(fans.map((fan) => ({ follower_id: fan, following_id: star, created_at: sameTime })))
      .execute();
    const pages = await allPages(star, 'followers', 3, star);
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [3, 3, 1],
    );
    assert.equal(pages.at(-1)?.next, null);
    const items = pages.flatMap((p) => p.items);
    assert.deepEqual(items.map((i) => i.userId).sort(), [...fans].sort());
    assertNewestFirst(items);
  });

  test('pages through the users someone follows', async () => {
    const fan = await ctx.newUser();
    const stars: string[] = [];
    for (let i = 0; i < 5; i++) {
      const star = await ctx.newUser();
      await ctx.call('PUT', `/profiles/${star}/follow`, { as: fan });
      stars.push(star);
    }
    const pages = await allPages(fan, 'following', 2, fan);
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [2, 2, 1],
    );
    const items = pages.flatMap((p) => p.items);
    assert.deepEqual(items.map((i) => i.userId).sort(), [...stars].sort());
    assertNewestFirst(items);
    const all = await ctx.call<PageBody>('GET', `/profiles/${fan}/following`, { as: fan });
    assert.equal(all.body.items.length, 5, 'default limit holds all five');
    assert.equal(all.body.next, null);
  });

  test('refuses bad pagination input with 400 and a missing user with 404', async () => {
    const me = await ctx.newUser();
    const junk = Buffer.from('{"t":"not a time","id":"x"}').toString('base64url');
    const queries = ['cursor=garbage!', `cursor=${junk}`, 'cursor=', 'limit=0', 'limit=101', 'limit=abc', 'limit=1.5'];
    for (const query of queries) {
      for (const list of ['followers', 'following']) {
        const res = await ctx.call<ErrorBody>('GET', `/profiles/${me}/${list}?${query}`, { as: me });
        assert.equal(res.status, 400, `${list}?${query}`);
        assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      }
    }
    assert.equal((await ctx.call('GET', `/profiles/${randomUUID()}/followers`, { as: me })).status, 404);
    assert.equal((await ctx.call('GET', `/profiles/${'x'.repeat(37)}/following`, { as: me })).status, 400);
    assert.equal((await ctx.call('PUT', `/profiles/${'x'.repeat(37)}/follow`, { as: me })).status, 400);
  });
});
