import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDaprClient, createDatabase, createLogger, createTokenVerifier, routeDrift } from '@soulchat/platform';
import { buildApp } from '../app.ts';
import { readConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { notificationOpenApi } from './openapi.ts';

// The app is built with clients that are never used: building it only declares the routes, and
// the pool connects lazily, on a first query that never comes.
test('the OpenAPI document lists exactly the routes the app serves', async () => {
  const config = readConfig({
    SERVICE_NAME: 'notification',
    PORT: '1',
    DAPR_HTTP_PORT: '9',
    DAPR_GRPC_PORT: '9',
    APP_API_TOKEN: 'never used in this test',
    DATABASE_URL: 'mysql://nobody:none@127.0.0.1:9/none',
  });
  const db = createDatabase<Database>({ url: config.DATABASE_URL });
  const app = buildApp({
    config,
    log: createLogger('notification', 'silent'),
    db,
    dapr: createDaprClient({ httpPort: 9 }),
    nudge: () => undefined,
    verifier: createTokenVerifier({ issuer: 'x', audience: 'x', loadJwks: async () => ({ keys: [] }) }),
  });
  assert.deepEqual(routeDrift(app, notificationOpenApi), { undocumented: [], unserved: [] });
  await db.destroy();
});
