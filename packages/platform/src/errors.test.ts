import assert from 'node:assert/strict';
import { test } from 'node:test';
import Router from '@koa/router';
import { z } from 'zod';
import { createLogger } from './logger.ts';
import { createApp, listen } from './server.ts';
import { parseInput } from './validate.ts';

async function withApp(router: Router, run: (base: string) => Promise<void>): Promise<void> {
  const app = createApp({ service: 'unit', log: createLogger('unit', 'silent'), readiness: [], routers: [router] });
  const server = await listen(app, 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    await run(`http://127.0.0.1:${port}`);
  } finally {
    server.close();
  }
}

const router = new Router();
router.post('/things', (ctx) => {
  const input = parseInput(z.strictObject({ name: z.string().max(5) }), ctx.request.body);
  ctx.body = { name: input.name };
});
router.get('/boom', () => {
  throw new Error('database password is hunter2');
});

const post = (base: string, body: string) =>
  fetch(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

test('invalid input is a 400 naming the field, with a stable code', async () => {
  await withApp(router, async (base) => {
    const res = await post(base, JSON.stringify({ name: 'far too long' }));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.match(body.error.message, /^name:/);
  });
});

test('malformed JSON is a 400, not a 500', async () => {
  await withApp(router, async (base) => {
    const res = await post(base, '{"name":');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'BAD_REQUEST');
  });
});

test('an oversized body is a 413', async () => {
  await withApp(router, async (base) => {
    const res = await post(base, JSON.stringify({ name: 'x'.repeat(300_000) }));
    assert.equal(res.status, 413);
  });
});

test('an unexpected error is a 500 that does not leak its message', async () => {
  await withApp(router, async (base) => {
    const res = await fetch(`${base}/boom`);
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.doesNotMatch(text, /hunter2/);
    assert.deepEqual(JSON.parse(text), { error: { code: 'INTERNAL', message: 'internal error' } });
  });
});

test('an unknown route is a JSON 404', async () => {
  await withApp(router, async (base) => {
    const res = await fetch(`${base}/nowhere`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });
});

test('metrics label requests by route pattern, not by raw path', async () => {
  const byId = new Router();
  byId.get('/items/:id', (ctx) => {
    ctx.body = { id: ctx.params.id };
  });
  await withApp(byId, async (base) => {
    await fetch(`${base}/items/1`);
    await fetch(`${base}/items/2`);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /http_requests_total\{method="GET",endpoint="\/items\/:id",status="200",service="unit"\} 2/);
    assert.doesNotMatch(metrics, /endpoint="\/items\/1"/);
    assert.match(
      metrics,
      /http_request_duration_seconds_count\{service="unit",method="GET",endpoint="\/items\/:id"\} 2/,
    );
  });
});

test('a wrong method on a known route is a JSON 405', async () => {
  await withApp(router, async (base) => {
    const res = await fetch(`${base}/things`, { method: 'PUT' });
    assert.equal(res.status, 405);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'METHOD_NOT_ALLOWED');
  });
});

test('a method no route knows (PROPFIND, TRACE) is a 405, not a 500', async () => {
  await withApp(router, async (base) => {
    // fetch refuses to send TRACE itself; any method the router does not implement takes this path.
    const res = await fetch(`${base}/things`, { method: 'PROPFIND' });
    assert.equal(res.status, 405);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'METHOD_NOT_ALLOWED');
  });
});
