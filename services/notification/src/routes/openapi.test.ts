import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  createDaprClient,
  createDatabase,
  createLogger,
  createTokenVerifier,
  listen,
  openApiDocumentOf,
  routeDrift,
  tokenAudience,
  tokenIssuer,
} from '@soulchat/platform';
import { testTokenIssuer } from '@soulchat/platform/testing';
import { buildApp } from '../app.ts';
import { readConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';

type Operation = { security?: unknown; parameters?: Array<{ name: string; in: string }>; requestBody?: unknown };

const config = readConfig({
  SERVICE_NAME: 'notification',
  PORT: '1',
  DAPR_HTTP_PORT: '9',
  DAPR_GRPC_PORT: '9',
  APP_API_TOKEN: 'never used in this test',
  DATABASE_URL: 'mysql://nobody:none@127.0.0.1:9/none',
});
// The app is built with clients that are never used: no request here gets past a guard or an
// input check, and the pool connects lazily, on a first query that never comes.
const db = createDatabase<Database>({ url: config.DATABASE_URL });
after(() => db.destroy());

const issuer = await testTokenIssuer();

const app = buildApp({
  config,
  log: createLogger('notification', 'silent'),
  db,
  dapr: createDaprClient({ httpPort: 9 }),
  nudge: () => undefined,
  verifier: createTokenVerifier({ issuer: tokenIssuer, audience: tokenAudience, loadJwks: async () => issuer.jwks }),
});

const tokenFor = (subject: string) => issuer.token(subject);

function documented(path: string, method: string): Operation {
  const operation = openApiDocumentOf(app)?.paths[path]?.[method] as Operation | undefined;
  assert.ok(operation, `${method.toUpperCase()} ${path} is documented`);
  return operation;
}

test('the OpenAPI document lists exactly the routes the app serves', () => {
  const document = openApiDocumentOf(app);
  assert.ok(document, 'the app serves a document built from its routes');
  assert.deepEqual(routeDrift(app, document), { undocumented: [], unserved: [] });
});

test('the list route needs a bearer token and documents its query parameters', () => {
  const list = documented('/notifications', 'get');
  assert.deepEqual(list.security, [{ bearer: [] }]);
  assert.deepEqual(
    list.parameters?.map((p) => `${p.in} ${p.name}`),
    ['query limit', 'query cursor', 'query unread'],
  );
  assert.deepEqual(
    documented('/notifications/{id}/read', 'post').parameters?.map((p) => `${p.in} ${p.name}`),
    ['path id'],
  );
  assert.ok(documented('/notifications/alerts', 'post').requestBody, 'the alert body is documented');
});

test('each subscribed topic has its event route, which only the sidecar may call', () => {
  const eventRoutes = [
    '/events/user-registered',
    '/events/follow-created',
    '/events/message-created',
    '/events/group-members-changed',
    '/events/user-email-changed',
    '/events/user-deleted',
  ];
  for (const path of eventRoutes) assert.deepEqual(documented(path, 'post').security, [{ appToken: [] }], path);
  assert.deepEqual(documented('/dapr/subscribe', 'get').security, [{ appToken: [] }]);
});

test('a token whose subject is not a user id is refused (401) before the inputs are checked (400)', async () => {
  const server = await listen(app, 0);
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const list = async (subject: string) =>
    fetch(`${base}/notifications?limit=0`, { headers: { authorization: `Bearer ${await tokenFor(subject)}` } });
  try {
    assert.equal((await fetch(`${base}/notifications?limit=0`)).status, 401, 'no token');
    assert.equal((await list('x'.repeat(37))).status, 401, 'a subject too long for a user id');
    assert.equal((await list('6f1c2d3e-0000-4000-8000-000000000001')).status, 400, 'a user, with a bad limit');
  } finally {
    server.close();
  }
});
