import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDaprClient, createDatabase, createLogger, createTokenVerifier, routeDrift } from '@soulchat/platform';
import { buildApp } from '../app.ts';
import type { Database } from '../db/schema.ts';
import { profileOpenApi } from './openapi.ts';

// The app is built with clients that are never used: building it only declares the routes, and
// the pool connects lazily, on a first query that never comes.
test('the OpenAPI document lists exactly the routes the app serves', async () => {
  const db = createDatabase<Database>({ url: 'mysql://nobody:none@127.0.0.1:9/none' });
  const app = buildApp({
    service: 'profile',
    log: createLogger('profile', 'silent'),
    db,
    dapr: createDaprClient({ httpPort: 9 }),
    verifier: createTokenVerifier({ issuer: 'x', audience: 'x', loadJwks: async () => ({ keys: [] }) }),
    appApiToken: 'never used in this test',
  });
  assert.deepEqual(routeDrift(app, profileOpenApi), { undocumented: [], unserved: [] });
  await db.destroy();
});
