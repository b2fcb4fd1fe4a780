import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ChatDevice, connectDevice } from '../harness/chat-client.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { newPerson as newPersonAt, type Person } from '../harness/people.ts';
import { appUrl, eventually } from '../harness/stack.ts';

const [user, chat1, chat2] = [appUrl('user'), appUrl('chat-1'), appUrl('chat-2')];
const newPerson = () => newPersonAt(user, 'g');
interface Conversation {
  id: string;
  name: string;
  description: string;
  members: Array<{ userId: string; role: string; readSeq: number }>;
}

const roleOf = (c: Conversation, id: string) => c.members.find((m) => m.userId === id)?.role;

describe('groups: roles, membership, edits, reactions, receipts, typing, presence', () => {
  let owner: Person;
  let admin: Person;
  let member: Person;
  let outsider: Person;
  let groupId: string;
  const devices: ChatDevice[] = [];

  before(async () => {
    [owner, admin, member, outsider] = await Promise.all([newPerson(), newPerson(), newPerson(), newPerson()]);
    const created = await call<Conversation>(`${chat1}/groups`, {
      body: { name: 'team', description: 'our team', memberIds: [admin.id, member.id] },
      token: owner.token,
    });
    assert.equal(created.status, 201);
    groupId = created.body.id;
  });
  after(async () => {
    await Promise.all(devices.map((d) => d.close().catch(() => {})));
  });

  test('the creator owns the group; the owner promotes an admin; members cannot manage', async () => {
    const promoted = await call<Conversation>(`${chat2}/groups/${groupId}/members/${admin.id}`, {
      method: 'PATCH',
      body: { role: 'admin' },
      token: owner.token,
    });
    assert.equal(promoted.status, 200);
    assert.deepEqual([roleOf(promoted.body, owner.id), roleOf(promoted.body, admin.id)], ['owner', 'admin']);
    const byMember = await call<ErrorBody>(`${chat1}/groups/${groupId}/members`, {
      body: { userId: outsider.id },
      token: member.token,
    });
    assert.equal(byMember.status, 403);
    const adminPromotes = await call<ErrorBody>(`${chat1}/groups/${groupId}/members/${member.id}`, {
      method: 'PATCH',
      body: { role: 'admin' },
      token: admin.token,
    });
    assert.equal(adminPromotes.status, 403);
  });

  test('admins rename and add members; a member can leave; the owner must transfer before leaving', async () => {
    const renamed = await call<Conversation>(`${chat1}/groups/${groupId}`, {
      method: 'PATCH',
      body: { name: 'the team' },
      token: admin.token,
    });
    assert.equal(renamed.body.name, 'the team');
    const added = await call<Conversation>(`${chat1}/groups/${groupId}/members`, {
      body: { userId: outsider.id },
      token: admin.token,
    });
    assert.equal(roleOf(added.body, outsider.id), 'member');
    assert.equal(
      (await call(`${chat2}/groups/${groupId}/members/${outsider.id}`, { method: 'DELETE', token: outsider.token }))
        .status,
      204,
    );
    const ownerLeaves = await call<ErrorBody>(`${chat2}/groups/${groupId}/members/${owner.id}`, {
      method: 'DELETE',
      token: owner.token,
    });
    assert.equal(ownerLeaves.status, 409);
    const transferred = await call<Conversation>(`${chat1}/groups/${groupId}/owner`, {
      body: { userId: admin.id },
      token: owner.token,
    });
    assert.deepEqual([roleOf(transferred.body, admin.id), roleOf(transferred.body, owner.id)], ['owner', 'admin']);
    const readAfterLeaving = await call<ErrorBody>(`${chat1}/conversations/${groupId}/messages`, {
      token: outsider.token,
    });
    assert.equal(readAfterLeaving.status, 403);
  });

  test('the sender edits and recalls within the window; others cannot; members see the changes live', async () => {
    const watcher = await connectDevice(chat2, member.token);
    devices.push(watcher);
    const sent = await call<{ message: { id: string; seq: number } }>(`${chat1}/conversations/${groupId}/messages`, {
      body: { clientMsgId: 'edit-me', content: 'tpyo' },
      token: owner.token,
    });
    assert.equal(sent.status, 201);
    const id = sent.body.message.id;
    const notMine = await call<ErrorBody>(`${chat1}/messages/${id}`, {
      method: 'PATCH',
      body: { content: 'hacked' },
      token: member.token,
    });
    assert.equal(notMine.status, 403);
    const edited = await call<{ content: string; editedAt: string }>(`${chat1}/messages/${id}`, {
      method: 'PATCH',
      body: { content: 'typo' },
      token: owner.token,
    });
    assert.equal(edited.body.content, 'typo');
    const update = await watcher.waitFor((f) => f.type === 'updated' && f.messageId === id && f.change === 'edited');
    assert.equal(update.content, 'typo');
    assert.equal((await call(`${chat2}/messages/${id}`, { method: 'DELETE', token: owner.token })).status, 204);
    await watcher.waitFor((f) => f.type === 'updated' && f.messageId === id && f.change === 'deleted');
    const history = await call<{ items: Array<{ id: string; deleted: boolean; content: string }> }>(
      `${chat2}/conversations/${groupId}/messages`,
      { token: member.token },
    );
    assert.deepEqual(
      history.body.items.find((m) => m.id === id),
      { ...history.body.items.find((m) => m.id === id), deleted: true, content: '' },
    );
  });

  test('reactions add, show and remove per user', async () => {
    const sent = await call<{ message: { id: string } }>(`${chat1}/conversations/${groupId}/messages`, {
      body: { clientMsgId: 'react-me', content: 'react to this' },
      token: admin.token,
    });
    const id = sent.body.message.id;
    await call(`${chat1}/messages/${id}/reactions/${encodeURIComponent('👍')}`, { method: 'PUT', token: member.token });
    const both = await call<{ reactions: Record<string, string[]> }>(
      `${chat2}/messages/${id}/reactions/${encodeURIComponent('👍')}`,
      {
        method: 'PUT',
        token: owner.token,
      },
    );
    assert.deepEqual(both.body.reactions['👍']?.sort(), [member.id, owner.id].sort());
    const one = await call<{ reactions: Record<string, string[]> }>(
      `${chat2}/messages/${id}/reactions/${encodeURIComponent('👍')}`,
      {
        method: 'DELETE',
        token: member.token,
      },
    );
    assert.deepEqual(one.body.reactions['👍'], [owner.id]);
  });

  test('read receipts move forward only, reach other members, and set unread counts', async () => {
    const watcher = await connectDevice(chat1, owner.token);
    devices.push(watcher);
    const reader = await connectDevice(chat2, member.token);
    devices.push(reader);
    const convo = await call<{ lastSeq: number }>(`${chat1}/conversations/${groupId}`, { token: member.token });
    reader.send({ type: 'read', conversationId: groupId, seq: convo.body.lastSeq });
    const receipt = await watcher.waitFor((f) => f.type === 'read' && f.userId === member.id);
    assert.equal(receipt.seq, convo.body.lastSeq);
    const back = await call<{ readSeq: number }>(`${chat1}/conversations/${groupId}/read`, {
      body: { seq: 1 },
      token: member.token,
    });
    assert.equal(back.status, 200);
    const mine = await call<{ items: Array<{ id: string; unread: number }> }>(`${chat2}/conversations`, {
      token: member.token,
    });
    assert.equal(
      mine.body.items.find((c) => c.id === groupId)?.unread,
      0,
      'an older receipt did not move the pointer back',
    );
  });

  test('typing reaches the other members, not the typist', async () => {
    const typist = await connectDevice(chat1, admin.token);
    const other = await connectDevice(chat2, member.token);
    devices.push(typist, other);
    typist.send({ type: 'typing', conversationId: groupId });
    await other.waitFor((f) => f.type === 'typing' && f.userId === admin.id);
    // The other member's typing follows on the same partition: when it reaches the typist, their
    // own signal would have come before it.
    other.send({ type: 'typing', conversationId: groupId });
    await typist.waitFor((f) => f.type === 'typing' && f.userId === member.id);
    assert.equal(
      typist.frames.some((f) => f.type === 'typing' && f.userId === admin.id),
      false,
    );
  });

  test('presence shows connected users online and the others with their last-seen time', async () => {
    const online = await newPerson();
    // Presence is only for people who share a conversation.
    const dm = await call(`${chat1}/conversations/direct`, { body: { userId: online.id }, token: owner.token });
    assert.equal(dm.status, 200);
    const device = await connectDevice(chat1, online.token);
    const seen = await eventually(
      () =>
        call<{ items: Array<{ userId: string; online: boolean; lastSeen: string | null }> }>(
          `${chat2}/presence?ids=${online.id}`,
          { token: owner.token },
        ),
      (r) => r.body.items[0]?.online === true,
      5000,
    );
    assert.equal(seen.body.items[0]?.online, true);
    await device.close();
    const offline = await eventually(
      () =>
        call<{ items: Array<{ online: boolean; lastSeen: string | null }> }>(`${chat2}/presence?ids=${online.id}`, {
          token: owner.token,
        }),
      (r) => r.body.items[0]?.online === false,
      5000,
    );
    assert.ok(offline.body.items[0]?.lastSeen);
  });

  test('bad input on the HTTP API is a 4xx', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['POST', '/groups', { name: '' }],
      ['POST', '/groups', { name: 'x', memberIds: ['bad id!'] }],
      ['POST', '/conversations/direct', { userId: owner.id }],
      ['POST', `/conversations/${groupId}/messages`, { clientMsgId: 'has space', content: 'x' }],
      ['POST', `/conversations/${groupId}/messages`, { clientMsgId: 'img', kind: 'image', content: '' }],
      ['GET', `/conversations/${groupId}/messages?after=1&before=3`, undefined],
      ['GET', '/presence?ids=', undefined],
      ['PATCH', `/groups/${groupId}`, {}],
    ];
    for (const [method, path, body] of cases) {
      const res = await call<ErrorBody>(`${chat1}${path}`, { method, body, token: owner.token });
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${path}: ${res.status}`);
      assert.equal(typeof res.body.error.code, 'string');
    }
    assert.equal((await call(`${chat1}/conversations`)).status, 401);
  });

  test('only existing accounts are put into a group: an unknown user id is a 404, and nothing changes', async () => {
    const ghost = randomUUID();
    const created = await call<ErrorBody>(`${chat1}/groups`, {
      body: { name: 'with a ghost', memberIds: [member.id, ghost] },
      token: owner.token,
    });
    assert.equal(created.status, 404);
    assert.match(created.body.error.message, new RegExp(ghost));
    const before = await call<{ members: unknown[] }>(`${chat1}/conversations/${groupId}`, { token: owner.token });
    const added = await call<ErrorBody>(`${chat2}/groups/${groupId}/members`, {
      body: { userId: ghost },
      token: owner.token,
    });
    assert.equal(added.status, 404);
    const after = await call<{ members: unknown[] }>(`${chat1}/conversations/${groupId}`, { token: owner.token });
    assert.equal(after.body.members.length, before.body.members.length);
  });
});
