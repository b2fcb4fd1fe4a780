import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createLogger, createTokenVerifier } from '@soulchat/platform';
import { generateKeyPair, SignJWT } from 'jose';
import WebSocket from 'ws';
import { offlineConfig } from '../../test/config.ts';
import { Hub } from './hub.ts';
import { attachSocketServer } from './server.ts';

const config = offlineConfig();

interface Refusal {
  status: number;
  retryAfter: string | undefined;
  body: { error: { code: string; message: string } };
}

/** Opens a socket server whose verifier loads keys with `loadJwks`, and tries one upgrade. */
async function upgradeWith(loadJwks: () => Promise<{ keys: [] }>, token: string): Promise<Refusal> {
  const server = createServer();
  const verifier = createTokenVerifier({ issuer: 'soulchat', audience: 'soulchat', loadJwks });
  const sockets = attachSocketServer(server, {
    config,
    log: createLogger('chat', 'silent'),
    hub: new Hub(),
    verifier,
    fetchRange: async () => [],
    onFrame: async () => {},
    onPresence: () => {},
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: `Bearer ${token}` } });
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, import('node:http').IncomingMessage];
    let text = '';
    for await (const chunk of res) text += String(chunk);
    return { status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: JSON.parse(text) };
  } finally {
    await sockets.close();
    server.close();
  }
}

async function someToken(): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject('u1')
    .setIssuer('soulchat')
    .setAudience('soulchat')
    .setExpirationTime('5m')
    .sign(privateKey);
}

test('an upgrade while the key set cannot be fetched is a 503 with Retry-After, not a 401', async () => {
  const refused = await upgradeWith(() => Promise.reject(new Error('connect ECONNREFUSED')), await someToken());
  assert.equal(refused.status, 503);
  assert.equal(refused.retryAfter, '2');
  assert.equal(refused.body.error.code, 'UNAVAILABLE');
});

test('a token no published key signed is a 401', async () => {
  const refused = await upgradeWith(async () => ({ keys: [] }), await someToken());
  assert.equal(refused.status, 401);
  assert.equal(refused.retryAfter, undefined);
  assert.equal(refused.body.error.code, 'UNAUTHORIZED');
});
