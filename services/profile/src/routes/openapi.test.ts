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
import { buildApp } from '../app.ts';
import type { Database } from '../db/schema.ts';

interface Operation {
  security: unknown;
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

// The app is built with clients that are never used: building it only declares the routes, and
// the pool connects lazily, on a first query that never comes.
test('the OpenAPI document lists exactly the routes the app serves, with their access and inputs', async () => {
  const db = createDatabase<Database>({ url: 'mysql://nobody:none@127.0.0.1:9/none' });
  const app = buildApp({
    service: 'profile',
    log: createLogger('profile', 'silent'),
    db,
    dapr: createDaprClient({ httpPort: 9 }),
    verifier: createTokenVerifier({ issuer: 'x', audience: 'x', loadJwks: async () => ({ keys: [] }) }),
    appApiToken: 'never used in this test',
  });
  try {
    const document = openApiDocumentOf(app);
    assert.ok(document, 'an app built from routes serves a document');
    assert.deepEqual(routeDrift(app, document), { undocumented: [], unserved: [] });
    const operation = (path: string, method: string) => document.paths[path]?.[method] as Operation | undefined;

    const editMe = operation('/profiles/me', 'patch');
    assert.deepEqual(editMe?.security, [{ bearer: [] }]);
    assert.ok(editMe?.requestBody, 'the profile changes are documented');

    const followers = operation('/profiles/{userId}/followers', 'get');
    assert.deepEqual(followers?.parameters?.map((p) => `${p.in} ${p.name}`).sort(), [
      'path userId',
      'query cursor',
      'query limit',
    ]);

    const blocks = operation('/internal/blocks', 'get');
    assert.deepEqual(blocks?.security, [{ appToken: [] }]);
    assert.ok(
      blocks?.parameters?.every((p) => p.in === 'query' && p.required),
      'a and b are both required',
    );
    assert.deepEqual(operation('/internal/mutual-follows', 'post')?.security, [{ appToken: [] }]);

    const userDeleted = operation('/events/user-deleted', 'post');
    assert.deepEqual(userDeleted?.security, [{ appToken: [] }]);
    assert.ok(operation('/dapr/subscribe', 'get'), 'the sidecar finds the subscription');
  } finally {
    await db.destroy();
  }
});
