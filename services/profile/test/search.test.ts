import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ErrorBody, startContext, type TestContext } from './context.ts';

interface Found {
  userId: string;
  username: string;
  displayName: string;
  imageUrl: string | null;
}
interface Page {
  items: Found[];
  nextCursor: string | null;
}

describe('profile service: finding people', () => {
  let ctx: TestContext;
  let me: string;
  const tag = `s${Date.now().toString(36)}`;
  const create = async (username: string, displayName: string) => {
    const res = await ctx.call<{ userId: string }>('POST', '/internal/profiles', {
      sidecar: true,
      body: { userId: crypto.randomUUID(), username, displayName },
    });
    assert.equal(res.status, 201);
    return res.body.userId;
  };
  const search = (query: string, as = me) => ctx.call<Page>('GET', `/profiles?${query}`, { as });

  before(async () => {
    ctx = await startContext();
    me = await create(`${tag}_me`, 'Me Myself');
  });
  after(async () => ctx?.close());

  test('matches a prefix of the username or the display name, any case, public fields only', async () => {
    const ada = await create(`${tag}_ada`, 'Ada Lovelace');
    const grace = await create(`hopper_${tag}`, `${tag.toUpperCase()} Grace`);
    await create(`zz_${tag}_other`, 'Nobody Here');
    const found = await search(`q=${tag.toUpperCase()}`);
    assert.equal(found.status, 200);
    assert.deepEqual(
      found.body.items.map((p) => p.userId),
      [grace, ada],
      'username order; the caller and non-prefix matches are left out',
    );
    assert.deepEqual(Object.keys(found.body.items[0] ?? {}).sort(), ['displayName', 'imageUrl', 'userId', 'username']);
    assert.equal(found.body.nextCursor, null);
  });

  test('never shows someone the caller blocked, or who blocked the caller', async () => {
    const blocked = await create(`${tag}_blocked`, 'Blocked One');
    const blocker = await create(`${tag}_blocker`, 'Blocker One');
    assert.equal((await ctx.call('PUT', `/profiles/${blocked}/block`, { as: me })).status, 204);
    assert.equal((await ctx.call('PUT', `/profiles/${me}/block`, { as: blocker })).status, 204);
    const ids = (await search(`q=${tag}_b`)).body.items.map((p) => p.userId);
    assert.ok(!ids.includes(blocked) && !ids.includes(blocker), JSON.stringify(ids));
    const other = await create(`${tag}_bystander`, 'Bystander');
    const seen = (await search(`q=${tag}_b`, other)).body.items.map((p) => p.userId);
    assert.deepEqual(seen.sort(), [blocked, blocker].sort(), 'others still find them');
  });

  test('pages by cursor without repeats; wildcards are literal; bad input is a 400', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await create(`${tag}_p${i}`, `Pager ${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Page } = await search(
        `q=${tag}_p&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 2);
      seen.push(...page.body.items.map((p) => p.userId));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ids, 'each once, in username order');
    assert.deepEqual((await search(`q=${tag}%25`)).body.items, [], '% is not a wildcard');
    assert.deepEqual((await search(`q=${tag}_p_`)).body.items, [], '_ is not a wildcard');
    for (const bad of ['q=', `q=${'x'.repeat(51)}`, 'q=a&limit=0', 'q=a&cursor=not-ours', 'limit=5']) {
      const res = await ctx.call<ErrorBody>('GET', `/profiles?${bad}`, { as: me });
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED', bad);
    }
    assert.equal((await ctx.call('GET', `/profiles?q=${tag}`)).status, 401, 'only for signed-in people');
  });

  test('searches are rate limited per person, with Retry-After', async () => {
    const busy = await create(`${tag}_busy`, 'Busy Bee');
    let refused: { status: number; body: unknown } | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await search(`q=${tag}`, busy);
      if (res.status !== 200) refused = res;
    }
    assert.ok(refused, 'a search was refused');
    assert.equal(refused.status, 429);
    assert.equal((refused.body as ErrorBody).error.code, 'RATE_LIMITED');
    const again = await fetch(`${ctx.base}/profiles?q=${tag}`, {
      headers: { authorization: `Bearer ${await ctx.token(busy)}` },
    });
    assert.equal(again.status, 429);
    assert.ok(Number(again.headers.get('retry-after')) >= 1, 'says how long to wait');
    assert.equal((await search(`q=${tag}`, me)).status, 200, 'another person is not limited by it');
  });
});
