import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { tokenAudience, tokenIssuer } from '@soulchat/platform';
import { generateKeyPair, SignJWT } from 'jose';
import { type ErrorBody, startContext, type TestContext } from './context.ts';

describe('profile service: authentication', () => {
  let ctx: TestContext;
  let someone: string;
  before(async () => {
    ctx = await startContext();
    someone = await ctx.newUser();
  });
  after(async () => ctx?.close());

  const publicRoutes = () => [
    ['GET', `/profiles/${someone}`],
    ['PATCH', '/profiles/me'],
    ['PUT', `/profiles/${someone}/follow`],
    ['DELETE', `/profiles/${someone}/follow`],
    ['PUT', `/profiles/${someone}/block`],
    ['DELETE', `/profiles/${someone}/block`],
    ['GET', `/profiles/${someone}/relationship`],
    ['GET', `/profiles/${someone}/followers`],
    ['GET', `/profiles/${someone}/following`],
  ];

  async function foreignToken(userId: string, kid: string): Promise<string> {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    return new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(userId)
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  }

  test('every public route answers 401 without a valid access token', async () => {
    const me = randomUUID();
    const valid = await ctx.token(me);
    const kid = JSON.parse(Buffer.from(valid.split('.')[0] ?? '', 'base64url').toString()).kid as string;
    const headers = [
      undefined,
      'Bearer',
      'Bearer not-a-token',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Bearer ${valid}x`,
      `Bearer ${await foreignToken(me, kid)}`,
      `Bearer ${await ctx.token(me, { expiresIn: '-1m' })}`,
      `Bearer ${await ctx.token(me, { audience: 'someone-else' })}`,
      `Bearer ${await ctx.token('x'.repeat(37))}`,
    ];
    for (const [method, path] of publicRoutes()) {
      for (const authorization of headers) {
        const res = await ctx.call<ErrorBody>(method ?? 'GET', path ?? '/', {
          ...(authorization === undefined ? {} : { authorization }),
          ...(method === 'PATCH' ? { body: { bio: 'x' } } : {}),
        });
        assert.equal(res.status, 401, `${method} ${path} with ${authorization?.slice(0, 20)}`);
        assert.equal(res.body.error.code, 'UNAUTHORIZED');
      }
    }
    const rows = await ctx.db.selectFrom('follows').selectAll().execute();
    assert.equal(rows.length, 0);
  });

  test('internal routes answer 401 without the app token, with or without an access token', async () => {
    const routes = [
      ['POST', '/internal/profiles'],
      ['DELETE', `/internal/profiles/${someone}`],
      ['GET', `/internal/blocks?a=${someone}&b=${randomUUID()}`],
    ];
    for (const [method, path] of routes) {
      for (const headers of [{}, { 'dapr-api-token': 'not-the-token-at-all' }]) {
        const res = await fetch(`${ctx.base}${path}`, {
          method: method ?? 'GET',
          headers: { ...headers, authorization: `Bearer ${await ctx.token(someone)}` },
        });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(((await res.json()) as ErrorBody).error.code, 'UNAUTHORIZED');
      }
    }
    const profile = await ctx.call('GET', `/profiles/${someone}`, { as: someone });
    assert.equal(profile.status, 200, 'the unauthorised delete removed nothing');
  });
});
