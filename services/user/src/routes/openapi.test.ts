import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DaprWorkflowClient } from '@dapr/dapr';
import {
  createDaprClient,
  createDatabase,
  createLogger,
  createTokenVerifier,
  listen,
  type OpenApiDocument,
  openApiDocumentOf,
  routeDrift,
} from '@soulchat/platform';
import type Koa from 'koa';
import type { Kysely } from 'kysely';
import { buildApp } from '../app.ts';
import { readConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { createKeyRing } from '../security/signing-keys.ts';

interface Operation {
  security: unknown;
  requestBody?: unknown;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: { pattern?: string } }>;
}

const appApiToken = 'a-sidecar-token-for-this-test';

// The app is built with clients that are never used: building it only declares the routes, and
// nothing connects until a handler runs (the pool and the workflow client connect lazily). The
// requests below are all refused before any handler runs.
describe('the user API as documented', () => {
  let db: Kysely<Database>;
  let workflows: DaprWorkflowClient;
  let app: Koa;
  let document: OpenApiDocument;
  let server: Server;
  let base: string;

  before(async () => {
    const config = readConfig({
      SERVICE_NAME: 'user',
      PORT: '1',
      DAPR_HTTP_PORT: '9',
      DAPR_GRPC_PORT: '9',
      DATABASE_URL: 'mysql://nobody:none@127.0.0.1:9/none',
      APP_API_TOKEN: appApiToken,
    });
    db = createDatabase<Database>({ url: config.DATABASE_URL });
    workflows = new DaprWorkflowClient({ daprHost: '127.0.0.1', daprPort: '9' });
    app = buildApp({
      config,
      log: createLogger('user', 'silent'),
      db,
      dapr: createDaprClient({ httpPort: 9 }),
      keys: createKeyRing(db, { accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS, leadSeconds: 0 }),
      verifier: createTokenVerifier({ issuer: 'x', audience: 'x', loadJwks: async () => ({ keys: [] }) }),
      workflows,
    });
    const built = openApiDocumentOf(app);
    assert.ok(built, 'an app built from routes has a document');
    document = built;
    server = await listen(app, 0);
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  after(async () => {
    server?.close();
    await workflows?.stop();
    await db?.destroy();
  });

  const operation = (method: string, path: string) => document.paths[path]?.[method] as Operation | undefined;

  test('lists exactly the routes the app serves', () => {
    assert.deepEqual(routeDrift(app, document), { undocumented: [], unserved: [] });
  });

  test('documents the credentials each route asks for', () => {
    assert.deepEqual(operation('get', '/me')?.security, [{ bearer: [] }]);
    assert.deepEqual(operation('post', '/logout')?.security, [{ bearer: [] }]);
    assert.deepEqual(operation('post', '/internal/keys/rotate')?.security, [{ appToken: [] }]);
    assert.deepEqual(operation('post', '/login')?.security, []);
  });

  test('documents the register body and its optional, unguessable idempotency key', () => {
    const register = operation('post', '/register');
    assert.ok(register?.requestBody, 'the body schema is documented');
    const key = register.parameters?.find((p) => p.name === 'idempotency-key');
    assert.equal(key?.in, 'header');
    assert.equal(key?.required, false);
    assert.equal(key?.schema.pattern, '^[A-Za-z0-9_-]{22,64}$');
    assert.deepEqual(
      operation('get', '/registrations/{id}')?.parameters?.map((p) => [p.in, p.name]),
      [['path', 'id']],
    );
  });

  test('serves the same document where the ingress reads it', async () => {
    const res = await fetch(`${base}/openapi/user.json`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), document);
  });

  test('refuses a caller without credentials before looking at the input', async () => {
    const logout = await fetch(`${base}/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: 42 }),
    });
    assert.equal(logout.status, 401);
    assert.equal((await fetch(`${base}/me`)).status, 401);
    assert.equal((await fetch(`${base}/internal/keys/rotate`, { method: 'POST' })).status, 401);
  });

  test('refuses an idempotency key too short to be unguessable', async () => {
    const res = await fetch(`${base}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'x'.repeat(21) },
      body: JSON.stringify({ username: 'valid_name', email: 'a@b.co', password: 'long enough pw' }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { message: string } };
    assert.match(error.message, /128 random bits/);
  });
});
