import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../harness/stack.ts';
import { assertRefused, connect, edge, mintToken, newPerson, type Person, password, type Socket } from './client.ts';

const from = '127.0.0.42';

interface Conversation {
  id: string;
}
interface Notification {
  id: string;
  kind: string;
  readAt: string | null;
}
interface Page<T> {
  items: T[];
}

const send = (person: Person, conversationId: string, content: string) =>
  edge(`/conversations/${conversationId}/messages`, {
    from,
    token: person.token,
    body: { clientMsgId: randomUUID(), content },
  });

/** Alice and Bob share a direct conversation and a group; Mallory is in neither. */
describe('access between users', () => {
  let alice: Person;
  let bob: Person;
  let mallory: Person;
  let dm: string;
  let group: string;
  let aliceMessage: string;
  const sockets: Socket[] = [];

  before(async () => {
    [alice, bob, mallory] = [await newPerson(from), await newPerson(from), await newPerson(from)];
    const direct = await edge('/conversations/direct', { from, token: alice.token, body: { userId: bob.id } });
    assert.equal(direct.status, 200, direct.text);
    dm = direct.json<Conversation>().id;
    const created = await edge('/groups', { from, token: alice.token, body: { name: 'private', memberIds: [bob.id] } });
    assert.equal(created.status, 201, created.text);
    group = created.json<Conversation>().id;
    const sent = await send(alice, dm, 'for bob only');
    assert.equal(sent.status, 201, sent.text);
    aliceMessage = sent.json<{ message: { id: string } }>().message.id;
    assert.equal((await send(alice, group, 'for the group only')).status, 201);
  });
  after(() => {
    for (const s of sockets) s.ws.terminate();
  });

  test("cannot read, write or mark read another pair's direct messages", async () => {
    for (const conversation of [dm, group]) {
      assertRefused(await edge(`/conversations/${conversation}`, { from, token: mallory.token }), 403, 'FORBIDDEN');
      assertRefused(
        await edge(`/conversations/${conversation}/messages`, { from, token: mallory.token }),
        403,
        'FORBIDDEN',
      );
      assertRefused(await send(mallory, conversation, 'let me in'), 403, 'FORBIDDEN');
      assertRefused(
        await edge(`/conversations/${conversation}/read`, { from, token: mallory.token, body: { seq: 1 } }),
        403,
        'FORBIDDEN',
      );
    }
    // Nothing of Mallory's was stored: the members still see only their own messages.
    const history = await edge(`/conversations/${dm}/messages`, { from, token: bob.token });
    assert.deepEqual(
      history.json<Page<{ content: string }>>().items.map((m) => m.content),
      ['for bob only'],
    );
    const mine = await edge('/conversations', { from, token: mallory.token });
    assert.deepEqual(mine.json<Page<Conversation>>().items, []);
  });

  test('cannot change a group or a message that is not theirs', async () => {
    const attempts = [
      edge(`/groups/${group}`, { method: 'PATCH', from, token: mallory.token, body: { name: 'mine now' } }),
      edge(`/groups/${group}/members`, { from, token: mallory.token, body: { userId: mallory.id } }),
      edge(`/groups/${group}/members/${bob.id}`, { method: 'DELETE', from, token: mallory.token }),
      edge(`/groups/${group}/owner`, { from, token: mallory.token, body: { userId: mallory.id } }),
      edge(`/messages/${aliceMessage}`, { method: 'PATCH', from, token: mallory.token, body: { content: 'edited' } }),
      edge(`/messages/${aliceMessage}`, { method: 'DELETE', from, token: mallory.token }),
      edge(`/messages/${aliceMessage}/reactions/x`, { method: 'PUT', from, token: mallory.token }),
    ];
    for (const reply of await Promise.all(attempts)) assertRefused(reply, 403, 'FORBIDDEN');
    // Bob is a member but not the sender: he may react, not edit.
    assertRefused(
      await edge(`/messages/${aliceMessage}`, { method: 'PATCH', from, token: bob.token, body: { content: 'x' } }),
      403,
      'FORBIDDEN',
    );
    const described = await edge(`/conversations/${group}`, { from, token: alice.token });
    assert.equal(described.json<{ name: string }>().name, 'private');
  });

  test("cannot see or mark another user's notifications: 404, as if missing", async () => {
    // Alice follows Bob: Bob gets a follower notification.
    assert.equal((await edge(`/profiles/${bob.id}/follow`, { method: 'PUT', from, token: alice.token })).status, 204);
    const bobs = await eventually(
      async () => (await edge('/notifications', { from, token: bob.token })).json<Page<Notification>>().items,
      (items) => items.some((n) => n.kind === 'follower'),
    );
    const note = bobs.find((n) => n.kind === 'follower');
    assert.ok(note, JSON.stringify(bobs));
    assertRefused(
      await edge(`/notifications/${note.id}/read`, { method: 'POST', from, token: mallory.token }),
      404,
      'NOT_FOUND',
    );
    const mallorys = await edge('/notifications', { from, token: mallory.token });
    assert.ok(!mallorys.json<Page<Notification>>().items.some((n) => n.id === note.id));
    const still = await edge('/notifications?unread=true', { from, token: bob.token });
    assert.ok(
      still.json<Page<Notification>>().items.some((n) => n.id === note.id),
      'still unread for Bob',
    );
  });

  test("cannot reach another user's account", async () => {
    // /me is always the caller's: a spoofed identity header is dropped at the edge.
    const me = await edge('/me', { from, token: mallory.token, headers: { 'x-soulchat-user-id': alice.id } });
    assert.equal(me.json<{ id: string }>().id, mallory.id);
    // Deleting "an" account with Alice's password deletes nothing: the password is checked against Mallory's.
    assertRefused(
      await edge('/me', { method: 'DELETE', from, token: mallory.token, body: { password: 'not the password' } }),
      401,
      'UNAUTHORIZED',
    );
    const profile = await edge('/profiles/me', { method: 'PATCH', from, token: mallory.token, body: { bio: 'hi' } });
    assert.equal(profile.json<{ userId: string }>().userId, mallory.id);
    const alices = await edge(`/profiles/${alice.id}`, { from, token: mallory.token });
    assert.notEqual(alices.json<{ bio: string | null }>().bio, 'hi');
    const login = await edge('/login', { from, body: { identifier: alice.username, password } });
    assert.equal(login.status, 200, 'Alice still logs in');
  });

  test('admin endpoints refuse non-admins with 403, and serve admins', async () => {
    const alert = { title: 'maintenance', body: 'at noon', audience: { kind: 'group', groupId: group } };
    assertRefused(await edge('/notifications/alerts', { from, token: mallory.token, body: alert }), 403, 'FORBIDDEN');
    assertRefused(
      await edge('/notifications/alerts', { from, token: alice.token, body: { ...alert, audience: { kind: 'all' } } }),
      403,
      'FORBIDDEN',
    );
    // The same request with the admin role in a properly signed token goes through.
    const admin = await mintToken(alice.id, { roles: ['admin'] });
    const sent = await edge('/notifications/alerts', { from, token: admin, body: alert });
    assert.equal(sent.status, 202, sent.text);
    assert.equal(sent.json<{ recipients: number }>().recipients, 2);
  });

  test('over the WebSocket, frames into a conversation they are not in get error frames', async () => {
    const socket = await connect(mallory.token);
    sockets.push(socket);
    const clientMsgId = randomUUID();
    socket.send({ type: 'send', conversationId: dm, clientMsgId, content: 'let me in' });
    const refused = await socket.waitFor((f) => f.type === 'error' && f.ref === clientMsgId);
    assert.equal(refused.code, 'FORBIDDEN');
    socket.send({ type: 'sync', cursors: { [dm]: 0 } });
    const synced = await socket.waitFor((f) => f.type === 'synced');
    assert.deepEqual([synced.cursors, synced.removed], [{}, [dm]], 'a sync names the conversation as not theirs');
    socket.send({ type: 'read', conversationId: group, seq: 1 });
    socket.send({ type: 'typing', conversationId: group });
    const errors = () => socket.frames.filter((f) => f.type === 'error');
    await socket.waitFor(() => errors().length >= 3);
    assert.deepEqual(
      errors().map((f) => f.code),
      ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    );
    socket.send({ type: 'ping' });
    await socket.waitFor((f) => f.type === 'pong');
    assert.ok(!socket.frames.some((f) => f.type === 'message'), 'nothing leaked');
    assert.equal(socket.ws.readyState, socket.ws.OPEN, 'the socket stays open');
  });
});
