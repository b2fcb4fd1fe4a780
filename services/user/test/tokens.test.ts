import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tokenAudience, tokenIssuer } from '@soulchat/platform';
import { decodeProtectedHeader, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { call, type ErrorBody } from '../../../tests/harness/http.ts';
import { startUserContext, type UserTestContext } from './context.ts';

describe('access tokens', () => {
  let ctx: UserTestContext;
  let account: Awaited<ReturnType<UserTestContext['createAccount']>>;
  let accessToken: string;
  const me = (token: string) => call<ErrorBody & { id: string }>(`${ctx.base}/me`, { token });

  before(async () => {
    // A short lead, so the test sees a rotated-in key published first and signing after.
    ctx = await startUserContext({ SIGNING_KEY_LEAD_SECONDS: '2' });
    account = await ctx.createAccount();
    const res = await call<{ accessToken: string }>(`${ctx.base}/login`, {
      body: { identifier: account.username, password: account.password },
    });
    accessToken = res.body.accessToken;
  });
  after(async () => ctx?.close());

  /** Signs claims with the service's own current key, so only the claims are wrong. */
  async function signWithServiceKey(edit: (jwt: SignJWT) => SignJWT): Promise<string> {
    const { kid, key } = await ctx.keys.activeKey();
    const jwt = new SignJWT({ roles: ['user'] }).setProtectedHeader({ alg: 'EdDSA', kid }).setSubject(account.id);
    return edit(jwt).sign(key);
  }

  test('a valid token is accepted', async () => {
    assert.equal((await me(accessToken)).status, 200);
  });

  test('refuses an expired token, saying so', async () => {
    const token = await signWithServiceKey((j) =>
      j.setIssuer(tokenIssuer).setAudience(tokenAudience).setIssuedAt(1_700_000_000).setExpirationTime(1_700_000_060),
    );
    const res = await me(token);
    assert.equal(res.status, 401);
    assert.equal(res.body.error.message, 'token expired');
  });

  test('refuses a token that is not valid yet', async () => {
    const token = await signWithServiceKey((j) =>
      j.setIssuer(tokenIssuer).setAudience(tokenAudience).setNotBefore('1h').setExpirationTime('2h'),
    );
    assert.equal((await me(token)).status, 401);
  });

  test('refuses a wrong audience or issuer', async () => {
    const wrongAud = await signWithServiceKey((j) =>
      j.setIssuer(tokenIssuer).setAudience('elsewhere').setExpirationTime('5m'),
    );
    const wrongIss = await signWithServiceKey((j) =>
      j.setIssuer('someone-else').setAudience(tokenAudience).setExpirationTime('5m'),
    );
    assert.equal((await me(wrongAud)).status, 401);
    assert.equal((await me(wrongIss)).status, 401);
  });

  test('refuses a tampered payload', async () => {
    const [header, , signature] = accessToken.split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'someone-else', iss: tokenIssuer, aud: tokenAudience, exp: 4_000_000_000 }),
    ).toString('base64url');
    assert.equal((await me(`${header}.${payload}.${signature}`)).status, 401);
  });

  test('refuses a token signed by another key under the same key id', async () => {
    const { kid } = decodeProtectedHeader(accessToken);
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: String(kid) })
      .setSubject(account.id)
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setExpirationTime('5m')
      .sign(privateKey);
    assert.equal((await me(forged)).status, 401);
  });

  test('refuses alg none and an HMAC token keyed with the public key', async () => {
    const none = new UnsecuredJWT({})
      .setSubject(account.id)
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setExpirationTime('5m')
      .encode();
    assert.equal((await me(none)).status, 401);
    const jwks = await call<{ keys: Array<{ x: string; kid: string }> }>(`${ctx.base}/.well-known/jwks.json`);
    const publicKey = jwks.body.keys[0];
    assert.ok(publicKey);
    const hmac = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: publicKey.kid })
      .setSubject(account.id)
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(publicKey.x));
    assert.equal((await me(hmac)).status, 401);
  });

  test('refuses a missing or malformed Authorization header', async () => {
    assert.equal((await call(`${ctx.base}/me`)).status, 401);
    assert.equal((await call(`${ctx.base}/me`, { headers: { authorization: 'Basic abc' } })).status, 401);
    assert.equal((await me('not-a-jwt')).status, 401);
  });

  test('key rotation publishes the new key first, signs with it after the lead, and keeps old tokens valid', async () => {
    const oldKid = decodeProtectedHeader(accessToken).kid;
    const rotated = await call<{ kid: string; activatesAt: string }>(`${ctx.base}/internal/keys/rotate`, {
      method: 'POST',
      headers: { 'dapr-api-token': ctx.appApiToken },
    });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.kid, oldKid);
    const jwks = await call<{ keys: Array<{ kid: string }> }>(`${ctx.base}/.well-known/jwks.json`);
    assert.deepEqual(jwks.body.keys.map((k) => k.kid).sort(), [String(oldKid), rotated.body.kid].sort());
    const login = () =>
      call<{ accessToken: string }>(`${ctx.base}/login`, {
        body: { identifier: account.username, password: account.password },
      });
    const early = await login();
    assert.ok(Date.now() < Date.parse(rotated.body.activatesAt), 'the lead had not passed yet');
    assert.equal(decodeProtectedHeader(early.body.accessToken).kid, oldKid, 'the old key signs during the lead');
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(rotated.body.activatesAt) - Date.now()) + 50));
    const fresh = await login();
    assert.equal(decodeProtectedHeader(fresh.body.accessToken).kid, rotated.body.kid);
    assert.equal((await me(fresh.body.accessToken)).status, 200);
    assert.equal((await me(accessToken)).status, 200, 'a token from before the rotation still works');
    assert.equal((await me(early.body.accessToken)).status, 200);
  });

  test('key rotation is refused without the app token', async () => {
    assert.equal((await call(`${ctx.base}/internal/keys/rotate`, { method: 'POST' })).status, 401);
  });
});
