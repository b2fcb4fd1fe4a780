import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { call, type ErrorBody } from '../../../tests/harness/http.ts';
import { startUserContext, type UserTestContext } from './context.ts';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}
interface LoginReply extends Tokens {
  user: { id: string; username: string; email: string };
}

// Each test acts from its own client address, so per-client login limits do not leak between tests.
const client = () => ({
  'x-forwarded-for': `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`,
});

describe('sessions: login, refresh, logout, password change', () => {
  let ctx: UserTestContext;
  const login = (identifier: string, password: string, headers = client()) =>
    call<LoginReply & ErrorBody>(`${ctx.base}/login`, { body: { identifier, password }, headers });
  const refresh = (refreshToken: string) =>
    call<Tokens & ErrorBody>(`${ctx.base}/token/refresh`, { body: { refreshToken } });

  before(async () => {
    ctx = await startUserContext();
  });
  after(async () => ctx?.close());

  test('logs in by username or by email in any case, and the token opens /me', async () => {
    const account = await ctx.createAccount();
    const byName = await login(account.username, account.password);
    assert.equal(byName.status, 200);
    assert.equal(byName.body.user.id, account.id);
    const byEmail = await login(account.email.toUpperCase(), account.password);
    assert.equal(byEmail.status, 200);
    const me = await call<{ id: string; email: string }>(`${ctx.base}/me`, { token: byEmail.body.accessToken });
    assert.equal(me.status, 200);
    assert.deepEqual([me.body.id, me.body.email], [account.id, account.email]);
  });

  test('a wrong password and an unknown account get the same 401', async () => {
    const account = await ctx.createAccount();
    const wrong = await login(account.username, 'not the password');
    const unknown = await login(`nobody_${randomUUID().slice(0, 6)}`, 'whatever password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.error.message, unknown.body.error.message);
  });

  test('refresh rotates the token; replaying a used one revokes the whole session', async () => {
    const account = await ctx.createAccount();
    const first = (await login(account.username, account.password)).body;
    const second = await refresh(first.refreshToken);
    assert.equal(second.status, 200);
    assert.notEqual(second.body.refreshToken, first.refreshToken);
    const replay = await refresh(first.refreshToken);
    assert.equal(replay.status, 401);
    assert.match(replay.body.error.message, /reused/);
    // The thief's replay also ended the legitimate holder's newer token.
    assert.equal((await refresh(second.body.refreshToken)).status, 401);
  });

  test('logout ends the session its refresh token belongs to', async () => {
    const account = await ctx.createAccount();
    const tokens = (await login(account.username, account.password)).body;
    const out = await call(`${ctx.base}/logout`, {
      body: { refreshToken: tokens.refreshToken },
      token: tokens.accessToken,
    });
    assert.equal(out.status, 204);
    assert.equal((await refresh(tokens.refreshToken)).status, 401);
  });

  test('changing the password ends other sessions, keeps this one, and swaps the password', async () => {
    const account = await ctx.createAccount();
    const here = (await login(account.username, account.password)).body;
    const elsewhere = (await login(account.username, account.password)).body;
    const changed = await call(`${ctx.base}/me/password`, {
      body: { currentPassword: account.password, newPassword: 'a brand new passphrase' },
      token: here.accessToken,
    });
    assert.equal(changed.status, 204);
    assert.equal((await refresh(elsewhere.refreshToken)).status, 401);
    assert.equal((await refresh(here.refreshToken)).status, 200);
    assert.equal((await login(account.username, account.password)).status, 401);
    assert.equal((await login(account.username, 'a brand new passphrase')).status, 200);
  });

  test('a wrong current password does not change the password', async () => {
    const account = await ctx.createAccount();
    const tokens = (await login(account.username, account.password)).body;
    const res = await call<ErrorBody>(`${ctx.base}/me/password`, {
      body: { currentPassword: 'wrong one entirely', newPassword: 'another passphrase' },
      token: tokens.accessToken,
    });
    assert.equal(res.status, 401);
    assert.equal((await login(account.username, account.password)).status, 200);
  });

  test('email changes refuse an address another account has, in any case', async () => {
    const [mine, theirs] = [await ctx.createAccount(), await ctx.createAccount()];
    const tokens = (await login(mine.username, mine.password)).body;
    const clash = await call<ErrorBody>(`${ctx.base}/me`, {
      method: 'PATCH',
      body: { email: theirs.email.toLowerCase() },
      token: tokens.accessToken,
    });
    assert.equal(clash.status, 409);
    const ok = await call<{ email: string }>(`${ctx.base}/me`, {
      method: 'PATCH',
      body: { email: `new_${mine.email}` },
      token: tokens.accessToken,
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.email, `new_${mine.email}`);
  });

  test('deleting the account needs the password, then records user.deleted and ends login', async () => {
    const account = await ctx.createAccount();
    const tokens = (await login(account.username, account.password)).body;
    const refused = await call(`${ctx.base}/me`, {
      method: 'DELETE',
      body: { password: 'wrong password!' },
      token: tokens.accessToken,
    });
    assert.equal(refused.status, 401);
    const deleted = await call(`${ctx.base}/me`, {
      method: 'DELETE',
      body: { password: account.password },
      token: tokens.accessToken,
    });
    assert.equal(deleted.status, 204);
    assert.equal((await login(account.username, account.password)).status, 401);
    assert.equal((await refresh(tokens.refreshToken)).status, 401);
    const events = await ctx.db
      .selectFrom('outbox')
      .select(['topic', 'partition_key'])
      .where('partition_key', '=', account.id)
      .execute();
    assert.deepEqual(events, [{ topic: 'user.deleted', partition_key: account.id }]);
  });
});

describe('brute-force protection', () => {
  let ctx: UserTestContext;
  before(async () => {
    ctx = await startUserContext({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_CLIENT: '6' });
  });
  after(async () => ctx?.close());

  test('locks an account after repeated failures with a 429 and Retry-After, even for the right password', async () => {
    const account = await ctx.createAccount();
    for (let i = 0; i < 3; i++) {
      const res = await call(`${ctx.base}/login`, {
        body: { identifier: account.username, password: 'bad guess!' },
        headers: client(),
      });
      assert.equal(res.status, 401);
    }
    const locked = await call<ErrorBody>(`${ctx.base}/login`, {
      body: { identifier: account.username, password: account.password },
      headers: client(),
    });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
  });

  test('limits one client guessing across accounts while other clients are still served', async () => {
    const attacker = client();
    const victims = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => ctx.createAccount()));
    const statuses: number[] = [];
    for (const v of victims) {
      const res = await call(`${ctx.base}/login`, {
        body: { identifier: v.username, password: 'guess guess' },
        headers: attacker,
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 429]);
    const bystander = await ctx.createAccount();
    const served = await call(`${ctx.base}/login`, {
      body: { identifier: bystander.username, password: bystander.password },
      headers: client(),
    });
    assert.equal(served.status, 200);
  });
});
