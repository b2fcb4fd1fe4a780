import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, type ErrorBody } from '../../../tests/harness/http.ts';
import { startUserContext, type UserTestContext } from './context.ts';

describe('bad input gets a 4xx with a code, never a 500', () => {
  let ctx: UserTestContext;
  let token: string;
  before(async () => {
    ctx = await startUserContext();
    const account = await ctx.createAccount();
    const res = await call<{ accessToken: string }>(`${ctx.base}/login`, {
      body: { identifier: account.username, password: account.password },
    });
    token = res.body.accessToken;
  });
  after(async () => ctx?.close());

  const long = 'x'.repeat(300);
  const cases: Array<[string, string, string, unknown, boolean]> = [
    ['register: missing fields', 'POST', '/register', {}, false],
    ['register: wrong types', 'POST', '/register', { username: 1, email: true, password: [] }, false],
    [
      'register: bad username',
      'POST',
      '/register',
      { username: 'no spaces!', email: 'a@b.co', password: 'long enough pw' },
      false,
    ],
    [
      'register: oversized username',
      'POST',
      '/register',
      { username: long, email: 'a@b.co', password: 'long enough pw' },
      false,
    ],
    [
      'register: bad email',
      'POST',
      '/register',
      { username: 'valid_name', email: 'not-an-email', password: 'long enough pw' },
      false,
    ],
    [
      'register: short password',
      'POST',
      '/register',
      { username: 'valid_name', email: 'a@b.co', password: 'short' },
      false,
    ],
    [
      'register: unknown field',
      'POST',
      '/register',
      { username: 'valid_name', email: 'a@b.co', password: 'long enough pw', admin: true },
      false,
    ],
    ['register: malformed JSON', 'POST', '/register', '{"username":', false],
    ['login: missing password', 'POST', '/login', { identifier: 'someone' }, false],
    ['login: oversized identifier', 'POST', '/login', { identifier: long, password: 'x' }, false],
    ['refresh: missing token', 'POST', '/token/refresh', {}, false],
    ['refresh: wrong type', 'POST', '/token/refresh', { refreshToken: 42 }, false],
    ['logout: missing token', 'POST', '/logout', {}, true],
    ['me: bad email', 'PATCH', '/me', { email: 'nope' }, true],
    ['me: unknown field', 'PATCH', '/me', { username: 'changed' }, true],
    ['password: weak new password', 'POST', '/me/password', { currentPassword: 'x', newPassword: 'short' }, true],
    ['delete: missing password', 'DELETE', '/me', {}, true],
    ['registration: malformed id', 'GET', '/registrations/%27%3B--', undefined, false],
  ];

  for (const [name, method, path, body, authed] of cases) {
    test(name, async () => {
      const res = await call<ErrorBody>(`${ctx.base}${path}`, { method, body, ...(authed ? { token } : {}) });
      assert.ok(res.status >= 400 && res.status < 500, `${name}: got ${res.status}`);
      assert.equal(typeof res.body.error.code, 'string');
      assert.equal(typeof res.body.error.message, 'string');
    });
  }

  test('an Idempotency-Key that is not a valid registration id is refused', async () => {
    const res = await call<ErrorBody>(`${ctx.base}/register`, {
      body: { username: 'valid_name', email: 'a@b.co', password: 'long enough pw' },
      headers: { 'idempotency-key': 'bad key with spaces' },
    });
    assert.equal(res.status, 400);
  });

  test('an Idempotency-Key too short to be unguessable is refused (it also reads the status)', async () => {
    for (const key of ['abcdefgh', 'x'.repeat(21)]) {
      const res = await call<ErrorBody>(`${ctx.base}/register`, {
        body: { username: 'valid_name', email: 'a@b.co', password: 'long enough pw' },
        headers: { 'idempotency-key': key },
      });
      assert.equal(res.status, 400, key);
      assert.match(res.body.error.message, /128 random bits/);
      assert.equal((await call<ErrorBody>(`${ctx.base}/registrations/${key}`)).status, 400, key);
    }
  });

  test('an unknown refresh token is a 401', async () => {
    const res = await call<ErrorBody>(`${ctx.base}/token/refresh`, { body: { refreshToken: 'x'.repeat(43) } });
    assert.equal(res.status, 401);
  });
});
