import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createDaprClient,
  createDatabase,
  createLogger,
  createTokenVerifier,
  listen,
  tokenAudience,
  tokenIssuer,
} from '@soulchat/platform';
import { testTokenIssuer } from '@soulchat/platform/testing';
import { buildApp } from '../app.ts';
import type { Database } from '../db/schema.ts';

const appApiToken = 'the-app-token';

// Every request here is refused before a handler runs, so the database (never reachable) is
// never asked: these are the guard and input checks alone.
test('a caller is refused (401) before the inputs are checked (400)', async () => {
  const issuer = await testTokenIssuer();
  const db = createDatabase<Database>({ url: 'mysql://nobody:none@127.0.0.1:9/none' });
  const app = buildApp({
    service: 'profile',
    log: createLogger('profile', 'silent'),
    db,
    dapr: createDaprClient({ httpPort: 9 }),
    verifier: createTokenVerifier({ issuer: tokenIssuer, audience: tokenAudience, loadJwks: async () => issuer.jwks }),
    appApiToken,
  });
  const server = await listen(app, 0);
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const status = async (path: string, headers: Record<string, string>) =>
    (await fetch(`${base}${path}`, { headers })).status;
  const badId = 'x'.repeat(37);
  try {
    const notAUser = { authorization: `Bearer ${await issuer.token(badId)}` };
    assert.equal(await status(`/profiles/${badId}`, notAUser), 401, 'a subject that is no user id');
    const aUser = { authorization: `Bearer ${await issuer.token('someone')}` };
    assert.equal(await status(`/profiles/${badId}`, aUser), 400);
    assert.equal(await status('/profiles/someone/followers?limit=0', aUser), 400);
    assert.equal(await status('/internal/blocks?a=!', {}), 401, 'no app token');
    assert.equal(await status('/internal/blocks?a=!', { 'dapr-api-token': appApiToken }), 400);
  } finally {
    server.close();
    await db.destroy();
  }
});
