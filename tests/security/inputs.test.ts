import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { rootQuery } from '../harness/databases.ts';
import { eventually } from '../harness/stack.ts';
import {
  assertRefused,
  connect,
  direct,
  type ErrorBody,
  edge,
  newPerson,
  type Person,
  type ServiceId,
  type Socket,
  stack,
} from './client.ts';

const from = '127.0.0.43';
// Each must come back byte for byte: stored as data (bound parameters), returned as JSON strings.
const hostile = ["'; DROP TABLE users; --", '" OR 1=1 --', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];
const databases = ['users', 'profiles', 'chat', 'notifications'];

const tables = () =>
  rootQuery<{ name: string }>(
    stack,
    `SELECT CONCAT(table_schema, '.', table_name) AS name FROM information_schema.tables
     WHERE table_schema IN (?, ?, ?, ?) ORDER BY name`,
    databases,
  );

interface Notification {
  kind: string;
  title: string;
  body: string;
}

describe('hostile input', () => {
  let alice: Person;
  let bob: Person;
  let tablesBefore: Array<{ name: string }>;
  const sockets: Socket[] = [];

  before(async () => {
    tablesBefore = await tables();
    [alice, bob] = [await newPerson(from), await newPerson(from, { displayName: hostile[2] ?? '' })];
  });
  after(() => {
    for (const s of sockets) s.ws.terminate();
  });

  test('SQL- and script-looking text is stored and returned verbatim, as JSON', async () => {
    const me = await edge('/me', { from, token: bob.token });
    assert.equal(me.json<{ displayName: string }>().displayName, hostile[2]);
    for (const text of hostile) {
      const patched = await edge('/profiles/me', {
        method: 'PATCH',
        from,
        token: alice.token,
        body: { displayName: text, bio: text },
      });
      assert.equal(patched.status, 200, patched.text);
      const profile = await edge(`/profiles/${alice.id}`, { from, token: bob.token });
      assert.match(String(profile.headers['content-type']), /^application\/json/);
      assert.deepEqual(
        (({ displayName, bio }) => ({ displayName, bio }))(profile.json<{ displayName: string; bio: string }>()),
        { displayName: text, bio: text },
      );

      const group = await edge('/groups', { from, token: alice.token, body: { name: text, description: text } });
      assert.equal(group.status, 201, group.text);
      const id = group.json<{ id: string }>().id;
      const described = await edge(`/conversations/${id}`, { from, token: alice.token });
      assert.equal(described.json<{ name: string }>().name, text);
      const sent = await edge(`/conversations/${id}/messages`, {
        from,
        token: alice.token,
        body: { clientMsgId: randomUUID(), content: text },
      });
      assert.equal(sent.status, 201, sent.text);
      const history = await edge(`/conversations/${id}/messages`, { from, token: alice.token });
      assert.deepEqual(
        history.json<{ items: Array<{ content: string }> }>().items.map((m) => m.content),
        [text],
      );
      // Notification-worthy: adding Bob names the group in his notification's title and body.
      const added = await edge(`/groups/${id}/members`, { from, token: alice.token, body: { userId: bob.id } });
      assert.equal(added.status, 200, added.text);
    }
    const bobs = await eventually(
      async () =>
        (await edge('/notifications?limit=100', { from, token: bob.token })).json<{ items: Notification[] }>(),
      (page) => page.items.filter((n) => n.kind === 'group').length >= hostile.length,
    );
    const titles = bobs.items.filter((n) => n.kind === 'group').map((n) => n.title);
    for (const text of hostile) assert.ok(titles.includes(`Added to ${text}`), `${text} in ${titles.join(' | ')}`);
    // Bob is offline, so a direct message makes a notification whose body is the message itself.
    const dm = await edge('/conversations/direct', { from, token: alice.token, body: { userId: bob.id } });
    const dmId = dm.json<{ id: string }>().id;
    for (const text of hostile) {
      const sent = await edge(`/conversations/${dmId}/messages`, {
        from,
        token: alice.token,
        body: { clientMsgId: randomUUID(), content: text },
      });
      assert.equal(sent.status, 201, sent.text);
    }
    const messages = await eventually(
      async () =>
        (await edge('/notifications?limit=100', { from, token: bob.token }))
          .json<{ items: Notification[] }>()
          .items.filter((n) => n.kind === 'message')
          .map((n) => n.body),
      (bodies) => bodies.length >= hostile.length,
    );
    assert.deepEqual([...messages].sort(), [...hostile].sort());
  });

  test('every table is still there', async () => {
    assert.deepEqual(await tables(), tablesBefore);
    const [users] = await rootQuery<{ n: number }>(stack, 'SELECT COUNT(*) AS n FROM users.users');
    assert.ok(Number(users?.n) >= 2);
  });

  test('a body over the limit is refused with 413, at the edge and by the service', async () => {
    const big = JSON.stringify({ bio: 'x'.repeat(stack.topology.ingress.maxRequestBytes + 1) });
    const routes: Array<[ServiceId, string, string]> = [
      ['user', 'POST', '/logout'],
      ['profile', 'PATCH', '/profiles/me'],
      ['chat', 'POST', '/groups'],
      ['notification', 'PUT', '/notifications/preferences'],
    ];
    for (const [id, method, path] of routes) {
      assertRefused(await edge(path, { method, from, token: alice.token, body: big }), 413, 'PAYLOAD_TOO_LARGE');
      const own = await direct<ErrorBody>(id, path, { method, token: alice.token, body: big });
      assert.equal(own.status, 413, `${id} ${JSON.stringify(own.body)}`);
      assert.equal(own.body.error.code, 'PAYLOAD_TOO_LARGE');
    }
  });

  test('a WebSocket frame over 64 KiB closes the socket with 1009', async () => {
    const socket = await connect(alice.token);
    sockets.push(socket);
    socket.ws.send(JSON.stringify({ v: 1, type: 'ping', pad: 'x'.repeat(64 * 1024) }));
    const { code } = await socket.closed;
    assert.equal(code, 1009);
  });

  test('malformed JSON gets a JSON 400 from every service, through Envoy and on its own port', async () => {
    const routes: Array<[ServiceId, string, string]> = [
      ['user', 'POST', '/logout'],
      ['profile', 'PATCH', '/profiles/me'],
      ['chat', 'POST', '/groups'],
      ['notification', 'PUT', '/notifications/preferences'],
    ];
    for (const broken of ['{"name": ', '{name: 1}', '[1, 2', '\u0000']) {
      for (const [id, method, path] of routes) {
        assertRefused(await edge(path, { method, from, token: alice.token, body: broken }), 400, 'BAD_REQUEST');
        const own = await direct<ErrorBody>(id, path, { method, token: alice.token, body: broken });
        assert.equal(own.status, 400, `${id} ${JSON.stringify(own.body)}`);
      }
    }
  });

  test('unknown fields are refused where the schemas are strict (no mass assignment)', async () => {
    const attempts: Array<[string, string, unknown]> = [
      ['PATCH', '/profiles/me', { bio: 'hi', userId: bob.id }],
      ['POST', '/groups', { name: 'g', ownerId: bob.id }],
      ['PUT', '/notifications/preferences', { phone: null, roles: ['admin'] }],
      ['PATCH', '/me', { email: 'new@example.test', roles: ['admin'] }],
      ['POST', '/logout', { refreshToken: 'x'.repeat(40), userId: bob.id }],
    ];
    for (const [method, path, body] of attempts) {
      const reply = await edge(path, { method, from, token: alice.token, body });
      const error = assertRefused(reply, 400, 'VALIDATION_FAILED');
      assert.match(error.message, /unrecognized|unknown/i, `${path}: ${error.message}`);
    }
    const register = await edge('/register', {
      from,
      body: {
        username: `r_${Date.now()}`,
        email: `r${Date.now()}@example.test`,
        password: 'long enough password',
        roles: ['admin'],
      },
    });
    assertRefused(register, 400, 'VALIDATION_FAILED');
  });
});
