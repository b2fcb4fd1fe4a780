import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { rootQuery } from '../harness/databases.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { eventually, sharedStack } from '../harness/stack.ts';

const info = sharedStack();
const base = (id: string) => {
  const app = info.apps.find((a) => a.id === id);
  assert.ok(app, `the shared stack runs ${id}`);
  return `http://127.0.0.1:${app.port}`;
};
const user = base('user');
const profile = base('profile');

interface Registered {
  registrationId: string;
  status: string;
  user: { id: string; username: string; email: string };
}
interface Tokens {
  accessToken: string;
  refreshToken: string;
}
interface Page {
  items: Array<{ userId: string }>;
  next: string | null;
}

const newName = () => `e2e_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

async function registerAndLogin(name = newName()) {
  const password = 'correct horse battery staple';
  const reg = await call<Registered>(`${user}/register`, {
    body: { username: name, email: `${name}@Example.test`, password },
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const login = await call<Tokens>(`${user}/login`, { body: { identifier: name, password } });
  assert.equal(login.status, 200);
  return { id: reg.body.user.id, name, password, tokens: login.body };
}

describe('registration and the first steps of a user, across user and profile services', () => {
  test('register -> login -> refresh -> me -> update profile -> follow -> lists', async () => {
    const alice = await registerAndLogin();
    const bob = await registerAndLogin();

    const refreshed = await call<Tokens>(`${user}/token/refresh`, {
      body: { refreshToken: alice.tokens.refreshToken },
    });
    assert.equal(refreshed.status, 200);
    const token = refreshed.body.accessToken;
    const me = await call<{ id: string; username: string }>(`${user}/me`, { token });
    assert.deepEqual([me.body.id, me.body.username], [alice.id, alice.name]);

    // The saga created the profile through Dapr service invocation.
    const created = await call<{ userId: string; username: string; displayName: string }>(
      `${profile}/profiles/${alice.id}`,
      { token },
    );
    assert.equal(created.status, 200);
    assert.deepEqual(
      [created.body.userId, created.body.username, created.body.displayName],
      [alice.id, alice.name, alice.name],
    );

    const updated = await call(`${profile}/profiles/me`, { method: 'PATCH', body: { bio: 'hello from e2e' }, token });
    assert.equal(updated.status, 200);
    const reread = await call<{ bio: string }>(`${profile}/profiles/${alice.id}`, { token });
    assert.equal(reread.body.bio, 'hello from e2e');

    assert.equal((await call(`${profile}/profiles/${bob.id}/follow`, { method: 'PUT', token })).status, 204);
    const followers = await call<Page>(`${profile}/profiles/${bob.id}/followers`, { token });
    assert.deepEqual(
      followers.body.items.map((i) => i.userId),
      [alice.id],
    );
    const following = await call<Page>(`${profile}/profiles/${alice.id}/following`, { token });
    assert.deepEqual(
      following.body.items.map((i) => i.userId),
      [bob.id],
    );
    const counts = await call<{ followers: number; following: number }>(`${profile}/profiles/${bob.id}`, { token });
    assert.deepEqual([counts.body.followers, counts.body.following], [1, 0]);
  });

  test('a taken username (in any case) or email is a 409 and creates nothing', async () => {
    const taken = await registerAndLogin();
    const sameName = await call<ErrorBody>(`${user}/register`, {
      body: {
        username: taken.name.toUpperCase(),
        email: `other_${taken.name}@example.test`,
        password: 'long enough password',
      },
    });
    assert.equal(sameName.status, 409);
    const sameEmail = await call<ErrorBody>(`${user}/register`, {
      body: {
        username: newName(),
        email: `${taken.name.toUpperCase()}@EXAMPLE.TEST`,
        password: 'long enough password',
      },
    });
    assert.equal(sameEmail.status, 409);
    const rows = await rootQuery<{ n: number }>(info, 'SELECT COUNT(*) AS n FROM users.users WHERE username = ?', [
      taken.name,
    ]);
    assert.equal(Number(rows[0]?.n), 1);
  });

  test('a retried registration with the same Idempotency-Key returns the same account, once', async () => {
    const name = newName();
    const key = randomUUID();
    const body = { username: name, email: `${name}@example.test`, password: 'long enough password' };
    const [first, second] = await Promise.all([
      call<Registered>(`${user}/register`, { body, headers: { 'idempotency-key': key } }),
      call<Registered>(`${user}/register`, { body, headers: { 'idempotency-key': key } }),
    ]);
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(first.body.user.id, second.body.user.id);
    const again = await call<Registered>(`${user}/register`, { body, headers: { 'idempotency-key': key } });
    assert.equal(again.body.user.id, first.body.user.id);
    const rows = await rootQuery<{ id: string }>(info, 'SELECT id FROM users.users WHERE username = ?', [name]);
    assert.equal(rows.length, 1);
    const status = await call<Registered>(`${user}/registrations/${key}`);
    assert.deepEqual(
      [status.status, status.body.user],
      [201, { id: first.body.user.id }],
      'no email or name to a poll',
    );
  });

  test('user.registered is recorded once per account and published', async () => {
    const { id } = await registerAndLogin();
    const rows = await eventually(
      () =>
        rootQuery<{ published_at: Date | null }>(
          info,
          'SELECT published_at FROM users.outbox WHERE topic = ? AND partition_key = ?',
          ['user.registered', id],
        ),
      (r) => r.length === 1 && r[0]?.published_at !== null,
      15_000,
    );
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]?.published_at, null);
  });

  test("each service's database is reachable only with its own credentials", async () => {
    const urlOf = (id: string) => info.apps.find((a) => a.id === id)?.databaseUrl ?? '';
    const attempt = async (url: string, database: string) => {
      const conn = await createConnection({ uri: url });
      try {
        await conn.query(`SELECT 1 FROM \`${database}\`.\`${database}\` LIMIT 1`);
        return 'read';
      } catch (err) {
        return (err as { code?: string }).code ?? 'error';
      } finally {
        await conn.end();
      }
    };
    assert.equal(await attempt(urlOf('user'), 'users'), 'read');
    assert.equal(await attempt(urlOf('profile'), 'profiles'), 'read');
    assert.equal(await attempt(urlOf('profile'), 'users'), 'ER_TABLEACCESS_DENIED_ERROR');
    assert.equal(await attempt(urlOf('user'), 'profiles'), 'ER_TABLEACCESS_DENIED_ERROR');
  });
});
