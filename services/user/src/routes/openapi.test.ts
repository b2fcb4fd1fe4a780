import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaprWorkflowClient } from '@dapr/dapr';
import { createDaprClient, createDatabase, createLogger, createTokenVerifier, routeDrift } from '@soulchat/platform';
import { buildApp } from '../app.ts';
import { readConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { createKeyRing } from '../security/signing-keys.ts';
import { userOpenApi } from './openapi.ts';

// The app is built with clients that are never used: building it only declares the routes, and
// nothing connects until a request arrives (the pool and the workflow client connect lazily).
test('the OpenAPI document lists exactly the routes the app serves', async () => {
  const config = readConfig({
    SERVICE_NAME: 'user',
    PORT: '1',
    DAPR_HTTP_PORT: '9',
    DAPR_GRPC_PORT: '9',
    DATABASE_URL: 'mysql://nobody:none@127.0.0.1:9/none',
  });
  const db = createDatabase<Database>({ url: config.DATABASE_URL });
  const workflows = new DaprWorkflowClient({ daprHost: '127.0.0.1', daprPort: '9' });
  const app = buildApp({
    config,
    log: createLogger('user', 'silent'),
    db,
    dapr: createDaprClient({ httpPort: 9 }),
    keys: createKeyRing(db, { accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS, leadSeconds: 0 }),
    verifier: createTokenVerifier({ issuer: 'x', audience: 'x', loadJwks: async () => ({ keys: [] }) }),
    workflows,
  });
  assert.deepEqual(routeDrift(app, userOpenApi), { undocumented: [], unserved: [] });
  await workflows.stop();
  await db.destroy();
});
