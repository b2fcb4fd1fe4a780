import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createDaprClient,
  createDatabase,
  createLogger,
  createTokenVerifier,
  openApiDocumentOf,
  routeDrift,
} from '@soulchat/platform';
import { offlineConfig } from '../../test/config.ts';
import { buildApp } from '../app.ts';
import type { Database } from '../db/schema.ts';
import { createPresence } from '../events/presence.ts';
import { subscriptions } from '../events/subscriptions.ts';
import { createSender } from '../use-cases/send.ts';
import { Hub } from '../ws/hub.ts';

// The app is built with clients that are never used: building it only declares the routes, and
// the pool connects lazily, on a first query that never comes. The subscriptions are main.ts's.
test('the OpenAPI document, built from the routes, lists exactly what the app serves, with its access', async () => {
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
  const document = openApiDocumentOf(app);
  assert.ok(document);
  assert.deepEqual(routeDrift(app, document), { undocumented: [], unserved: [] });
  const operation = (path: string, method: string) =>
    document.paths[path]?.[method] as {
      security: unknown;
      parameters?: Array<{ name: string }>;
      requestBody?: unknown;
    };
  assert.deepEqual(operation('/presence', 'get').security, [{ bearer: [] }]);
  assert.deepEqual(
    operation('/presence', 'get').parameters?.map((p) => p.name),
    ['ids'],
  );
  assert.ok(operation('/conversations/{id}/messages', 'post').requestBody, 'the send body is documented');
  assert.deepEqual(operation('/internal/presence', 'post').security, [{ appToken: [] }]);
  assert.deepEqual(operation('/events/fanout/message-created', 'post').security, [{ appToken: [] }]);
  await db.destroy();
});
