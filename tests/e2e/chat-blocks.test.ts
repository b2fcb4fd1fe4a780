import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ChatDevice, connectDevice, type Frame } from '../harness/chat-client.ts';
import { publishTestEvent } from '../harness/events.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { newPerson as newPersonAt, type Person } from '../harness/people.ts';
import { appUrl, sharedStack } from '../harness/stack.ts';

const info = sharedStack();
const [user, profile, chat1, chat2] = [appUrl('user'), appUrl('profile'), appUrl('chat-1'), appUrl('chat-2')];
const newPerson = () => newPersonAt(user, 'k');

/** The answer to one send: its ack, or the error frame that refused it. */
async function sendOnce(d: ChatDevice, conversationId: string, clientMsgId: string): Promise<Frame> {
  d.send({ type: 'send', conversationId, clientMsgId, content: `try ${clientMsgId}` });
  return d.waitFor(
    (f) => (f.type === 'ack' && f.clientMsgId === clientMsgId) || (f.type === 'error' && f.ref === clientMsgId),
  );
}

/**
 * Sends until a send gets `wanted` (an ack, or an error with that code): the chat service learns
 * of blocks by event, so a change takes effect a moment after the profile service answered.
 * Fails when it never does within the time allowed.
 */
async function sendUntil(d: ChatDevice, conversationId: string, wanted: 'ack' | string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Frame | undefined;
  while (Date.now() < deadline) {
    last = await sendOnce(d, conversationId, `k-${randomUUID()}`);
    if (wanted === 'ack' ? last.type === 'ack' : last.code === wanted) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no send got ${wanted} within ${timeoutMs} ms; last answer ${JSON.stringify(last)}`);
}

const blockCall = (method: 'PUT' | 'DELETE', who: Person, target: Person) =>
  call(`${profile}/profiles/${target.id}/block`, { method, token: who.token });

describe('blocks stop direct messages (the chat service keeps its own copy, fed by block.changed)', () => {
  const devices: ChatDevice[] = [];
  const connect = async (base: string, p: Person) => {
    const d = await connectDevice(base, p.token);
    devices.push(d);
    return d;
  };
  const openDirect = async (a: Person, b: Person) => {
    const dm = await call<{ id: string }>(`${chat1}/conversations/direct`, { body: { userId: b.id }, token: a.token });
    assert.equal(dm.status, 200, JSON.stringify(dm.body));
    return dm.body.id;
  };
  let dan: Person;
  let erin: Person;
  before(async () => {
    [dan, erin] = await Promise.all([newPerson(), newPerson()]);
  });
  after(async () => {
    await Promise.all(devices.map((d) => d.close().catch(() => {})));
  });

  test('a block refuses messages both ways and reopening; an unblock lets them through again', async () => {
    const dm = await openDirect(dan, erin);
    const [danDevice, erinDevice] = await Promise.all([connect(chat2, dan), connect(chat1, erin)]);
    assert.equal((await sendOnce(danDevice, dm, 'before-block')).type, 'ack');
    assert.equal((await blockCall('PUT', erin, dan)).status, 204);
    const refused = await sendUntil(danDevice, dm, 'FORBIDDEN');
    assert.match(String(refused.message), /blocked/);
    // The blocker cannot write either, from the other instance.
    assert.equal((await sendOnce(erinDevice, dm, 'blocker-writes')).code, 'FORBIDDEN');
    const reopen = await call<ErrorBody>(`${chat1}/conversations/direct`, {
      body: { userId: dan.id },
      token: erin.token,
    });
    assert.equal(reopen.status, 403);
    assert.equal((await blockCall('DELETE', erin, dan)).status, 204);
    await sendUntil(danDevice, dm, 'ack');
    assert.equal((await sendOnce(erinDevice, dm, 'after-unblock')).type, 'ack');
  });

  test('an old block.changed delivered late does not undo a newer change', async () => {
    const [fay, gus] = await Promise.all([newPerson(), newPerson()]);
    const [withFay, withGus] = await Promise.all([openDirect(dan, fay), openDirect(dan, gus)]);
    const danDevice = await connect(chat2, dan);
    // Keyed by the blocker, as the profile service keys them: both land on one partition, in order.
    const publish = (blockedId: string, blocked: boolean, occurredAt: Date) =>
      publishTestEvent(
        info,
        'skeleton',
        'block.changed',
        dan.id,
        { blockerId: dan.id, blockedId, blocked },
        { occurredAt },
      );
    // Dan blocks Fay now, and lifts it; then a stale copy of an older "blocked" arrives.
    assert.equal((await blockCall('PUT', dan, fay)).status, 204);
    await sendUntil(danDevice, withFay, 'FORBIDDEN');
    assert.equal((await blockCall('DELETE', dan, fay)).status, 204);
    await sendUntil(danDevice, withFay, 'ack');
    await publish(fay.id, true, new Date(Date.now() - 60_000));
    // A fresh event behind it on the same partition: once it applies, the stale one was handled.
    await publish(gus.id, true, new Date());
    await sendUntil(danDevice, withGus, 'FORBIDDEN');
    assert.equal((await sendOnce(danDevice, withFay, 'after-stale')).type, 'ack');
  });

  test('nobody is put into a group by someone they blocked, or whom they blocked', async () => {
    const [owner, blocker, friend] = await Promise.all([newPerson(), newPerson(), newPerson()]);
    const [ownerDevice, dm] = await Promise.all([connect(chat1, owner), openDirect(owner, blocker)]);
    assert.equal((await blockCall('PUT', blocker, owner)).status, 204);
    // The block reaches chat by event: a direct send refused is the barrier.
    await sendUntil(ownerDevice, dm, 'FORBIDDEN');
    const refusedGroup = await call<ErrorBody>(`${chat1}/groups`, {
      body: { name: 'no', memberIds: [friend.id, blocker.id] },
      token: owner.token,
    });
    assert.equal(refusedGroup.status, 403);
    const group = await call<{ id: string; members: unknown[] }>(`${chat2}/groups`, {
      body: { name: 'yes', memberIds: [friend.id] },
      token: owner.token,
    });
    assert.equal(group.status, 201);
    const add = await call<ErrorBody>(`${chat2}/groups/${group.body.id}/members`, {
      body: { userId: blocker.id },
      token: owner.token,
    });
    assert.equal(add.status, 403);
    const members = await call<{ members: Array<{ userId: string }> }>(`${chat1}/conversations/${group.body.id}`, {
      token: owner.token,
    });
    assert.deepEqual(members.body.members.map((m) => m.userId).sort(), [owner.id, friend.id].sort());
  });

  test('presence is only for people who share a conversation, and never across a block', async () => {
    const [viewer, contact, stranger] = await Promise.all([newPerson(), newPerson(), newPerson()]);
    const dm = await openDirect(viewer, contact);
    const presence = async () =>
      (
        await call<{ items: Array<{ userId: string }> }>(
          `${chat2}/presence?ids=${viewer.id},${contact.id},${stranger.id}`,
          { token: viewer.token },
        )
      ).body.items.map((i) => i.userId);
    assert.deepEqual((await presence()).sort(), [viewer.id, contact.id].sort());
    const viewerDevice = await connect(chat1, viewer);
    assert.equal((await blockCall('PUT', contact, viewer)).status, 204);
    await sendUntil(viewerDevice, dm, 'FORBIDDEN');
    assert.deepEqual(await presence(), [viewer.id]);
  });

  test('presence is also for people who follow each other (not one way), and never across a block', async () => {
    const [viewer, friend] = await Promise.all([newPerson(), newPerson()]);
    const presence = async () => {
      const res = await call<{ items: Array<{ userId: string }> }>(`${chat1}/presence?ids=${viewer.id},${friend.id}`, {
        token: viewer.token,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items.map((i) => i.userId).sort();
    };
    const follow = (who: Person, target: Person) =>
      call(`${profile}/profiles/${target.id}/follow`, { method: 'PUT', token: who.token });
    assert.equal((await follow(friend, viewer)).status, 204);
    assert.deepEqual(await presence(), [viewer.id], 'a follower the viewer does not follow back stays hidden');
    assert.equal((await follow(viewer, friend)).status, 204);
    assert.deepEqual(await presence(), [viewer.id, friend.id].sort(), 'mutual followers see each other');
    assert.equal((await blockCall('PUT', friend, viewer)).status, 204);
    assert.deepEqual(await presence(), [viewer.id], 'a block ends it');
  });
});
