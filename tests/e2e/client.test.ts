/**
 * `@soulchat/client` against the running stack, through the Envoy ingress only, as an app uses it:
 * registration, login, token refresh, the chat socket's reconnect, resend, sync and gap fill.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  type Account,
  type Ack,
  ChatSocket,
  type CursorStore,
  type MessageView,
  memoryCursorStore,
  Session,
  type SoulChatError,
} from '@soulchat/client';
import { fetchFrom, webSocketFrom } from '../harness/client-transport.ts';
import { sharedStack } from '../harness/stack.ts';

const from = '127.0.0.51';
const baseUrl = sharedStack().ingress?.url ?? '';
const password = 'long enough password';

interface Device {
  socket: ChatSocket;
  seen: MessageView[];
}

function session(): Session {
  return new Session({ baseUrl, fetch: fetchFrom(from), registrationPollMs: 100 });
}

async function person(s: Session): Promise<Account> {
  const username = `k_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const registered = await s.register({ username, email: `${username}@example.test`, password });
  const account = await s.login(username, password);
  assert.equal(account.id, registered.id);
  assert.equal(account.username, username);
  return account;
}

const sockets: ChatSocket[] = [];
async function device(s: Session, cursors: CursorStore = memoryCursorStore()): Promise<Device> {
  const socket = new ChatSocket({
    baseUrl,
    token: (fresh) => s.accessToken(fresh),
    WebSocket: webSocketFrom(from),
    cursors,
    backoff: { baseMs: 50, maxMs: 500 },
  });
  sockets.push(socket);
  const seen: MessageView[] = [];
  socket.on('message', (m) => seen.push(m));
  await socket.start();
  assert.equal(socket.connectionState, 'open');
  return { socket, seen };
}

/**
 * Resolves once `count` messages of the conversation have been shown, or, given `{ throughSeq }`,
 * once the message with that sequence number has; fails after 15 s.
 */
function shown(d: Device, conversationId: string, count: number | { throughSeq: number }): Promise<MessageView[]> {
  const of = () => d.seen.filter((m) => m.conversationId === conversationId);
  const done = (ms: MessageView[]) =>
    typeof count === 'number' ? ms.length >= count : ms.some((m) => m.seq === count.throughSeq);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`saw ${JSON.stringify(of().map((m) => m.seq))}, waited for ${JSON.stringify(count)}`)),
      15_000,
    );
    const check = () => {
      if (!done(of())) return;
      clearTimeout(timer);
      off();
      resolve(of());
    };
    const off = d.socket.on('message', check);
    check();
  });
}

/** Fails, naming `what`, when the promise has not settled within 15 s. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within 15 s`)), 15_000);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A send, acked within 15 s. */
const say = (d: Device, conversationId: string, text: string) =>
  within(d.socket.send(conversationId, text), `the ack of "${text}"`);

const contents = (ms: MessageView[]) => ms.map((m) => [m.seq, m.content]);

describe('the client SDK through the ingress', () => {
  const [aliceSession, bobSession] = [session(), session()];
  let alice: Account;
  let bob: Account;
  let direct: string;

  before(async () => {
    alice = await person(aliceSession);
    bob = await person(bobSession);
    const dm = await aliceSession.request<{ id: string }>('POST', '/conversations/direct', { userId: bob.id });
    direct = dm.id;
  });
  after(() => {
    for (const s of sockets) s.close();
  });

  test('people find each other by a prefix of their name, through the ingress', async () => {
    const found = await aliceSession.request<{ items: Array<{ userId: string; username: string }> }>(
      'GET',
      `/profiles?q=${bob.username.slice(0, 8)}`,
    );
    assert.ok(
      found.items.some((p) => p.userId === bob.id),
      JSON.stringify(found),
    );
    assert.ok(!found.items.some((p) => p.userId === alice.id), 'not oneself');
  });

  test('messages are acked and reach the other person once, in order', async () => {
    const [alice, bobDevice] = [await device(aliceSession), await device(bobSession)];
    const acks: Ack[] = [];
    for (const text of ['one', 'two', 'three']) acks.push(await say(alice, direct, text));
    assert.deepEqual(
      acks.map((a) => [a.seq, a.duplicate]),
      [
        [1, false],
        [2, false],
        [3, false],
      ],
    );
    assert.deepEqual(contents(await shown(bobDevice, direct, 3)), [
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  test('sends made while the link is down go out on reconnect, each stored once', async () => {
    const alice = await device(aliceSession);
    const bobDevice = await device(bobSession);
    const reconnected = new Promise<void>((resolve) => {
      const off = alice.socket.on('state', (s) => {
        if (s === 'open') {
          off();
          resolve();
        }
      });
    });
    const sentBefore = alice.socket.send(direct, 'just before the drop');
    alice.socket.dropLink();
    const sentDuring = alice.socket.send(direct, 'while offline');
    assert.equal(alice.socket.pendingSends, 2, 'both wait for their ack');
    await within(reconnected, 'the reconnect');
    const [before, during] = await within(Promise.all([sentBefore, sentDuring]), 'the acks after the reconnect');
    assert.equal(during.seq, before.seq + 1);
    // A device that has just connected may still get the previous test's last message live (the
    // other chat instance can be a moment behind), so only what was sent here is compared.
    const got = await shown(bobDevice, direct, { throughSeq: during.seq });
    assert.deepEqual(contents(got.filter((m) => m.seq >= before.seq)), [
      [before.seq, 'just before the drop'],
      [during.seq, 'while offline'],
    ]);
    assert.equal(alice.socket.pendingSends, 0);
  });

  test('a device that was away gets exactly what it missed by sync, and forgets a group it left', async () => {
    const cursors = memoryCursorStore();
    const first = await device(bobSession, cursors);
    const group = await aliceSession.request<{ id: string }>('POST', '/groups', { name: 'k', memberIds: [bob.id] });
    const alice = await device(aliceSession);
    await say(alice, group.id, 'welcome');
    await shown(first, group.id, 1);
    const seenDirect = first.seen.filter((m) => m.conversationId === direct).length;
    const lastSeq = (await say(alice, direct, 'are you there?')).seq;
    await shown(first, direct, seenDirect + 1);
    first.socket.close();

    await bobSession.request('DELETE', `/groups/${group.id}/members/${bob.id}`);
    const missed = [await say(alice, direct, 'missed 1'), await say(alice, direct, 'missed 2')];
    const back = await device(bobSession, cursors);
    const synced = new Promise((resolve) => back.socket.on('synced', resolve));
    assert.deepEqual(contents(await shown(back, direct, 2)), [
      [lastSeq + 1, 'missed 1'],
      [lastSeq + 2, 'missed 2'],
    ]);
    assert.deepEqual(
      missed.map((a) => a.seq),
      [lastSeq + 1, lastSeq + 2],
    );
    await within(synced, 'the synced frame');
    const saved = await cursors.load();
    assert.equal(saved[direct], lastSeq + 2);
    assert.ok(!(group.id in saved), 'the group the device left is no longer synced');
  });

  test('refused sends reject with the server reason; bad input is refused before it is sent', async () => {
    const [outsiderSession] = [session()];
    await person(outsiderSession);
    const outsider = await device(outsiderSession);
    await assert.rejects(outsider.socket.send(direct, 'let me in'), (err: SoulChatError) => {
      assert.equal(err.code, 'FORBIDDEN');
      return true;
    });
    await assert.rejects(outsider.socket.send(direct, 'x', { clientMsgId: 'spaces are not allowed' }), {
      code: 'VALIDATION_FAILED',
    });
    assert.equal(outsider.socket.pendingSends, 0);
    await assert.rejects(session().login('nobody-here', 'wrong password'), { code: 'UNAUTHORIZED', status: 401 });
  });

  test('refreshes at the same moment share one rotation, so the session survives; logout ends it', async () => {
    const s = session();
    const me = await person(s);
    const tokens = await Promise.all([s.refresh(), s.refresh(), s.accessToken(true)]);
    assert.equal(new Set(tokens.map((t) => (typeof t === 'string' ? t : t.accessToken))).size, 1);
    // A second rotation of one refresh token would have revoked the whole session: it did not.
    await s.refresh();
    const profile = await s.request<{ id: string }>('GET', '/me');
    assert.equal(profile.id, me.id);
    await s.logout();
    assert.equal(s.loggedIn, false);
    await assert.rejects(s.request('GET', '/me'), { code: 'UNAUTHORIZED' });
  });
});
