import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { AppError } from './errors.ts';
import { createLogger } from './logger.ts';
import { routeDrift } from './openapi.ts';
import { route } from './routes.ts';
import { createApp, listen, openApiDocumentOf } from './server.ts';

const requireUser = async (ctx: Context, next: Next) => {
  if (ctx.get('authorization') !== 'Bearer ok') throw new AppError('UNAUTHORIZED', 'missing bearer token');
  await next();
};

const seen: unknown[] = [];
const routes = [
  route({
    method: 'put',
    path: '/things/:id',
    summary: 'rename a thing',
    access: 'user',
    params: z.object({ id: z.coerce.number().int().positive() }),
    body: z.strictObject({ name: z.string().max(5) }),
    headers: z.object({ 'if-match': z.string().optional() }),
    responses: { 200: 'the thing' },
    handle: (ctx, { params, body, headers }) => {
      seen.push({ params, body, headers });
      ctx.body = { id: params.id, name: body.name };
    },
  }),
  route({
    method: 'get',
    path: '/open',
    summary: 'anyone',
    access: 'open',
    responses: { 200: 'hello' },
    handle: (ctx) => {
      ctx.body = { hello: true };
    },
  }),
];

function buildApp() {
  return createApp({
    service: 'unit',
    log: createLogger('unit', 'silent'),
    readiness: [],
    routes,
    guards: { user: requireUser, sidecar: requireUser },
    subscriptions: [
      { pubsubname: 'pubsub', topic: 'thing.changed', route: '/events/thing-changed', handle: async () => 'SUCCESS' },
    ],
  });
}

test('a route is guarded, then its inputs are checked, and the handler gets them parsed', async () => {
  const server = await listen(buildApp(), 0);
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const put = (path: string, body: unknown, token = 'ok') =>
    fetch(`${base}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'if-match': 'v1' },
      body: JSON.stringify(body),
    });
  try {
    assert.equal((await put('/things/x', { name: 'far too long' }, 'bad')).status, 401, 'the guard answers first');
    const badParam = await put('/things/x', { name: 'a' });
    assert.equal(badParam.status, 400);
    assert.match(((await badParam.json()) as { error: { message: string } }).error.message, /^id:/);
    assert.equal((await put('/things/7', { name: 'far too long' })).status, 400);
    const ok = await put('/things/7', { name: 'box' });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { id: 7, name: 'box' });
    assert.deepEqual(seen.at(-1), { params: { id: 7 }, body: { name: 'box' }, headers: { 'if-match': 'v1' } });
    assert.equal((await fetch(`${base}/open`)).status, 200);
  } finally {
    server.close();
  }
});

test('the document is built from the same routes, event deliveries included, and matches what is served', () => {
  const app = buildApp();
  const document = openApiDocumentOf(app);
  assert.ok(document);
  const put = document.paths['/things/{id}']?.put as {
    security: unknown;
    requestBody?: unknown;
    parameters: unknown[];
  };
  assert.deepEqual(put.security, [{ bearer: [] }]);
  assert.ok(put.requestBody, 'the body schema is documented');
  assert.equal(put.parameters.length, 2, 'the path id and the if-match header');
  assert.ok(document.paths['/events/thing-changed']?.post);
  assert.ok(document.paths['/dapr/subscribe']?.get);
  assert.deepEqual(routeDrift(app, document), { undocumented: [], unserved: [] });
});

test('a route whose guard the app lacks is refused at start-up', () => {
  assert.throws(
    () => createApp({ service: 'unit', log: createLogger('unit', 'silent'), readiness: [], routes, guards: {} }),
    /needs the user guard/,
  );
});

test('an admin route refuses a non-admin with 403 before looking at the inputs', async () => {
  const rolesFromToken = async (ctx: Context, next: Next) => {
    const token = ctx.get('authorization').replace('Bearer ', '');
    if (!token) throw new AppError('UNAUTHORIZED', 'missing bearer token');
    ctx.state.user = { id: 'u1', roles: token === 'admin' ? ['admin'] : [] };
    await next();
  };
  const app = createApp({
    service: 'unit',
    log: createLogger('unit', 'silent'),
    readiness: [],
    routes: [
      route({
        method: 'post',
        path: '/alerts',
        summary: 'admins only',
        access: 'admin',
        body: z.strictObject({ text: z.string().min(1) }),
        responses: { 202: 'sent' },
        handle: (ctx) => {
          ctx.status = 202;
        },
      }),
    ],
    guards: { user: rolesFromToken },
  });
  const server = await listen(app, 0);
  const address = server.address();
  const post = (token: string, body: unknown) =>
    fetch(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  try {
    assert.equal((await post('', {})).status, 401);
    assert.equal((await post('member', {})).status, 403, 'a non-admin learns nothing about the body');
    assert.equal((await post('member', { text: 'hi' })).status, 403);
    assert.equal((await post('admin', {})).status, 400);
    assert.equal((await post('admin', { text: 'hi' })).status, 202);
    const doc = openApiDocumentOf(app)?.paths['/alerts']?.post as { security: unknown; responses: object };
    assert.deepEqual(doc.security, [{ bearer: [] }]);
    assert.ok('403' in doc.responses, 'the document says admins only');
  } finally {
    server.close();
  }
});
