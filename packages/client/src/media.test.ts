import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SoulChatError } from './errors.ts';
import { MediaLinkCache } from './media-links.ts';
import { type MediaView, memoryTokenStore, Session, uploadPath } from './session.ts';

const minute = 60_000;

const viewOf = (id: string, expiresAt: number, thumb = `/files/${id}/thumb?expires=${expiresAt}`): MediaView => ({
  id,
  kind: 'image',
  mimeType: 'image/png',
  name: 'a.png',
  size: 10,
  width: 2,
  height: 1,
  hasThumbnail: true,
  conversationId: null,
  createdAt: new Date(0).toISOString(),
  links: { original: `/files/${id}/original`, thumb },
  linksExpireAt: new Date(expiresAt).toISOString(),
});

/** A cache over a fake server that counts reads and gives links valid 5 minutes from "now". */
function cacheAt(clock: { now: number }, fail = () => false) {
  const reads: string[] = [];
  const cache = new MediaLinkCache(
    async (id) => {
      reads.push(id);
      if (fail()) throw new SoulChatError('NOT_FOUND', 'no such upload', 404);
      return viewOf(id, clock.now + 5 * minute, `/files/${id}/thumb?read=${reads.length}`);
    },
    { marginMs: 30_000, now: () => clock.now },
  );
  return { cache, reads };
}

test('links are read once per upload while they are good, however many ask at once', async () => {
  const clock = { now: 1_000_000 };
  const { cache, reads } = cacheAt(clock);
  const [a, b] = await Promise.all([cache.get('m1'), cache.get('m1')]);
  assert.equal(a, b);
  clock.now += 4 * minute;
  assert.equal(await cache.get('m1'), a);
  await cache.get('m2');
  assert.deepEqual(reads, ['m1', 'm2']);
});

test('links about to expire are read again', async () => {
  const clock = { now: 1_000_000 };
  const { cache, reads } = cacheAt(clock);
  const first = await cache.get('m1');
  clock.now += 5 * minute - 20_000; // inside the 30 s margin
  assert.equal(cache.peek('m1'), undefined);
  const second = await cache.get('m1');
  assert.notEqual(second.links.thumb, first.links.thumb);
  assert.deepEqual(reads, ['m1', 'm1']);
});

test('a failed read is not kept: the next one asks again', async () => {
  const clock = { now: 1_000_000 };
  let failing = true;
  const { cache, reads } = cacheAt(clock, () => failing);
  await assert.rejects(cache.get('m1'), /no such upload/);
  failing = false;
  assert.equal((await cache.get('m1')).id, 'm1');
  assert.equal(reads.length, 2);
});

test("an upload's own answer is kept, so its sender's image shows without another read", async () => {
  const clock = { now: 1_000_000 };
  const { cache, reads } = cacheAt(clock);
  cache.remember(viewOf('m9', clock.now + 5 * minute));
  assert.equal(cache.peek('m9')?.id, 'm9');
  await cache.get('m9');
  assert.deepEqual(reads, []);
});

test('an upload carries its name in the query and the bytes as the body, with the type of a Blob', async () => {
  assert.equal(uploadPath('my photo & co.png'), '/media?name=my+photo+%26+co.png');
  const seen: Array<{ url: string; type: string | null; body: unknown }> = [];
  const store = memoryTokenStore();
  store.save({ accessToken: tokenExpiringIn(3600), refreshToken: 'r' });
  const session = new Session({
    baseUrl: 'https://chat.example',
    store,
    fetch: async (url, init) => {
      seen.push({ url: String(url), type: new Headers(init?.headers).get('content-type'), body: init?.body });
      return seen.length === 1
        ? Response.json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'not accepted' } }, { status: 415 })
        : Response.json(viewOf('m1', Date.now() + minute), { status: 201 });
    },
  });
  const bytes = new Uint8Array([1, 2, 3]);
  await assert.rejects(session.upload(bytes, 'x.bin'), (err: SoulChatError) => {
    assert.equal(err.code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(err.status, 415);
    return true;
  });
  const done = await session.upload(new Blob(['hi'], { type: 'text/plain' }), 'hi.txt');
  assert.equal(done.id, 'm1');
  assert.deepEqual(
    seen.map((s) => [s.url, s.type]),
    [
      ['https://chat.example/media?name=x.bin', 'application/octet-stream'],
      ['https://chat.example/media?name=hi.txt', 'text/plain'],
    ],
  );
  assert.equal(seen[0]?.body, bytes);
});

function tokenExpiringIn(seconds: number): string {
  const payload = btoa(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + seconds }));
  return `h.${payload}.s`;
}
