import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, postJson, sharedStack } from '../../../tests/harness/stack.ts';
import { startContext, type TestContext } from './context.ts';

interface Note {
  id: number;
  title: string;
  body: string;
}
interface ErrorBody {
  error: { code: string; message: string };
}

describe('skeleton notes API', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await startContext();
  });
  after(async () => ctx?.close());

  test('creates a note with a normalised title and reads it back', async () => {
    const created = await postJson<Note>(`${ctx.base}/notes`, { title: '  first   note ', body: 'hello' });
    assert.equal(created.status, 201);
    assert.equal(created.body.title, 'first note');
    const read = await getJson<Note>(`${ctx.base}/notes/${created.body.id}`);
    assert.deepEqual(
      { id: read.body.id, title: read.body.title, body: read.body.body },
      { id: created.body.id, title: 'first note', body: 'hello' },
    );
  });

  test('pages through notes with a cursor', async () => {
    for (const title of ['a', 'b', 'c']) await postJson(`${ctx.base}/notes`, { title, body: '' });
    const first = await getJson<{ items: Note[]; next: string | null }>(`${ctx.base}/notes?limit=2`);
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.next);
    const rest = await getJson<{ items: Note[]; next: string | null }>(
      `${ctx.base}/notes?limit=2&after=${first.body.next}`,
    );
    const seen = [...first.body.items, ...rest.body.items].map((n) => n.id);
    assert.equal(new Set(seen).size, seen.length, 'no note appears on two pages');
  });

  test('refuses bad input with 400 and stores nothing', async () => {
    const before = await ctx.db
      .selectFrom('notes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const cases: unknown[] = [
      {},
      { title: '', body: '' },
      { title: 'x'.repeat(201), body: '' },
      { title: 1, body: 'x' },
      { title: 'a', body: 'b', extra: true },
    ];
    for (const body of cases) {
      const res = await postJson<ErrorBody>(`${ctx.base}/notes`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    const afterCount = await ctx.db
      .selectFrom('notes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
  });

  test('answers 404 for a missing note and 400 for a malformed id', async () => {
    assert.equal((await getJson<ErrorBody>(`${ctx.base}/notes/999999`)).status, 404);
    assert.equal((await getJson<ErrorBody>(`${ctx.base}/notes/abc`)).status, 400);
  });
});

describe('skeleton service in the running stack', () => {
  test('serves its API through its own sidecar (Dapr service invocation)', async () => {
    const app = sharedStack().apps.find((a) => a.id === 'skeleton');
    assert.ok(app);
    const res = await fetch(`http://127.0.0.1:${app.daprHttpPort}/v1.0/invoke/skeleton/method/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'dapr-api-token': app.daprApiToken },
      body: JSON.stringify({ title: 'via dapr', body: '' }),
    });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as Note).title, 'via dapr');
  });

  test('its sidecar refuses API calls without the Dapr API token', async () => {
    const app = sharedStack().apps.find((a) => a.id === 'skeleton');
    assert.ok(app);
    const res = await fetch(`http://127.0.0.1:${app.daprHttpPort}/v1.0/invoke/skeleton/method/notes`);
    assert.equal(res.status, 401);
  });

  test('reports ready with its database and sidecar reachable', async () => {
    const app = sharedStack().apps.find((a) => a.id === 'skeleton');
    assert.ok(app);
    const res = await getJson<{ status: string; checks: Record<string, string> }>(
      `http://127.0.0.1:${app.port}/readyz`,
    );
    assert.deepEqual(res.body, { status: 'ready', checks: { database: 'ok', sidecar: 'ok' } });
  });
});
