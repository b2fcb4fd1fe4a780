import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import {
  assertRefused,
  direct,
  type ErrorBody,
  edge,
  ingress,
  mintToken,
  newPerson,
  type Person,
  refusedUpgrade,
  type ServiceId,
  serviceIds,
  serviceUrl,
  sidecarHeaders,
} from './client.ts';

const from = '127.0.0.41';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
    rawHeader: header,
    signature,
  };
};
const now = () => Math.floor(Date.now() / 1000);

/** A protected route of each service, called on its own port: the service's own check, not Envoy's. */
const protectedRoute = (id: ServiceId, alice: Person): string =>
  ({
    user: '/me',
    profile: `/profiles/${alice.id}`,
    chat: '/conversations',
    notification: '/notifications/unread-count',
    search: '/search?q=hello',
  })[id];

/** On its own port, as its sidecar delivers it (with the app token): only the user token can be wrong. */
const ownCheck = <T>(id: ServiceId, alice: Person, token: string) =>
  direct<T>(id, protectedRoute(id, alice), { token, headers: sidecarHeaders(id) });

describe('access tokens', () => {
  let alice: Person;
  let bob: Person;
  const forged = new Map<string, () => Promise<string>>();

  before(async () => {
    [alice, bob] = [await newPerson(from), await newPerson(from)];
    const real = parts(alice.token);
    forged.set('alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${alice.token.split('.')[1]}.`);
    forged.set('a wrong key (a fresh Ed25519 key under the real key id)', async () => {
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      return new SignJWT(real.payload).setProtectedHeader({ ...real.header, alg: 'EdDSA' }).sign(privateKey);
    });
    // These carry the stack's real key, so each is refused for its one bad claim alone.
    forged.set('an expired token', () => mintToken(alice.id, { iat: now() - 3600, exp: now() - 600 }));
    forged.set('a not-yet-valid token (nbf ahead)', () => mintToken(alice.id, { nbf: now() + 600 }));
    forged.set('a wrong audience', () => mintToken(alice.id, { aud: 'another-api' }));
    forged.set('a wrong issuer', () => mintToken(alice.id, { iss: 'soulchat-evil' }));
    forged.set('a tampered payload (sub changed, signature kept)', async () => {
      const payload = b64({ ...real.payload, sub: bob.id });
      return `${real.rawHeader}.${payload}.${real.signature}`;
    });
    forged.set('HS256 with the public JWKS as the HMAC secret', async () => {
      const jwks = await edge('/.well-known/jwks.json', { from });
      assert.equal(jwks.status, 200);
      return new SignJWT(real.payload)
        .setProtectedHeader({ alg: 'HS256', kid: String(real.header.kid), typ: 'at+jwt' })
        .sign(new TextEncoder().encode(jwks.text));
    });
  });

  test('a real token and a token minted like it are accepted at the edge and by every service', async () => {
    for (const token of [alice.token, await mintToken(alice.id)]) {
      const me = await edge('/me', { from, token });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json<{ id: string }>().id, alice.id);
      for (const id of serviceIds) {
        const reply = await ownCheck(id, alice, token);
        assert.equal(reply.status, 200, `${id}: ${JSON.stringify(reply.body)}`);
      }
    }
  });

  const cases = [
    'alg none',
    'a wrong key (a fresh Ed25519 key under the real key id)',
    'an expired token',
    'a not-yet-valid token (nbf ahead)',
    'a wrong audience',
    'a wrong issuer',
    'a tampered payload (sub changed, signature kept)',
    'HS256 with the public JWKS as the HMAC secret',
  ];
  for (const name of cases) {
    test(`refuses ${name} at the edge and at every service`, async () => {
      const make = forged.get(name);
      assert.ok(make);
      const token = await make();
      // Envoy's jwt_authn: a JSON 401 (RFC 6750 invalid_token, a wrong audience included), for
      // HTTP routes and for the WebSocket upgrade alike: refused before any service sees it.
      const [status, code] = [401, 'UNAUTHORIZED'];
      for (const path of ['/me', `/profiles/${alice.id}`, '/conversations', '/notifications', '/search?q=hello']) {
        assertRefused(await edge(path, { from, token }), status, code);
      }
      const ws = await refusedUpgrade(`${ingress.url.replace(/^http/, 'ws')}/ws?access_token=${token}`);
      assert.equal(ws.status, status, ws.body);
      // Each service on its own port, no Envoy in front: its own verifier refuses the token too.
      for (const id of serviceIds) {
        const reply = await ownCheck<ErrorBody>(id, alice, token);
        assert.equal(reply.status, 401, `${id}: ${JSON.stringify(reply.body)}`);
        assert.equal(reply.body.error.code, 'UNAUTHORIZED', id);
      }
      const chatWs = await refusedUpgrade(`${serviceUrl('chat').replace(/^http/, 'ws')}/ws?access_token=${token}`);
      assert.equal(chatWs.status, 401, chatWs.body);
    });
  }
});
