import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDaprClient, createDatabase, createLogger, createTokenVerifier, routeDrift } from '@soulchat/platform';
import { offlineConfig } from '../../test/config.ts';
import { buildApp } from '../app.ts';
import type { Database } from '../db/schema.ts';
import { createPresence } from '../events/presence.ts';
import { subscriptions } from '../events/subscriptions.ts';
import { createSender } from '../use-cases/send.ts';
import { Hub } from '../ws/hub.ts';
import { chatOpenApi } from './openapi.ts';

// The app is built with clients that are never used: building it only declares the routes, and
// the pool connects lazily, on a first query that never comes. The subscriptions are main.ts's.
test('the OpenAPI document lists exactly the routes the app serves', async () => {
  const config = offlineConfig();
  const log = createLogger('chat', 'silent');
  const db = createDatabase<Database>({ url: config.DATABASE_URL });
  const dapr = createDaprClient({ httpPort: 9 });
  const core = { config, log, db, dapr, nudgeRelay: () => undefined };
  const app = buildApp({
    ...core,
    sends: createSender(core, { concurrency: 1, maxBatch: 1, lingerMs: 0 }),
    verifier: createTokenVerifier({ issuer: 'x', audience: 'x', loadJwks: async () => ({ keys: [] }) }),
    presence: createPresence(dapr, log, 'chat'),
    subscriptions: subscriptions(new Hub(), db, log),
  });
  assert.deepEqual(routeDrift(app, chatOpenApi), { undocumented: [], unserved: [] });
  await db.destroy();
});
