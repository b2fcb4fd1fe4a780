import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ChatDevice, connectDevice, type Frame } from '../harness/chat-client.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { newPerson as newPersonAt, type Person } from '../harness/people.ts';
import { appUrl } from '../harness/stack.ts';

const [user, chat1, chat2] = [appUrl('user'), appUrl('chat-1'), appUrl('chat-2')];
const newPerson = () => newPersonAt(user, 'c');

const acked = (d: ChatDevice, clientMsgId: string) =>
  d.waitFor((f) => f.type === 'ack' && f.clientMsgId === clientMsgId);
const errorFor = (d: ChatDevice, match: (f: Frame) => boolean) => d.waitFor((f) => f.type === 'error' && match(f));

describe('chat over WebSockets across two chat instances', () => {
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let direct: string;
  const devices: ChatDevice[] = [];
  const connect = async (base: string, p: Person) => {
    const d = await connectDevice(base, p.token);
    devices.push(d);
    return d;
  };

  before(async () => {
    [alice, bob, carol] = await Promise.all([newPerson(), newPerson(), newPerson()]);
    const dm = await call<{ id: string }>(`${chat1}/conversations/direct`, {
      body: { userId: bob.id },
      token: alice.token,
    });
    assert.equal(dm.status, 200, JSON.stringify(dm.body));
    direct = dm.body.id;
  });
  after(async () => {
    await Promise.all(devices.map((d) => d.close().catch(() => {})));
  });

  test('a direct message reaches every device of the recipient, on either instance, once', async () => {
    const sender = await connect(chat1, alice);
    const bobOnOther = await connect(chat2, bob);
    const bobOnSame = await connect(chat1, bob);
    sender.send({ type: 'send', conversationId: direct, clientMsgId: 'm-1', content: 'hello bob' });
    const ack = await acked(sender, 'm-1');
    assert.equal(ack.seq, 1);
    for (const device of [bobOnOther, bobOnSame]) {
      await device.waitFor((f) => f.type === 'message');
      assert.deepEqual(
        device.messages(direct).map((m) => [m.seq, m.content]),
        [[1, 'hello bob']],
      );
    }
  });

  test('a resend with the same client message id returns the stored message and stores nothing new', async () => {
    const sender = await connect(chat2, alice);
    sender.send({ type: 'send', conversationId: direct, clientMsgId: 'm-dup', content: 'once' });
    const first = await acked(sender, 'm-dup');
    sender.frames.length = 0;
    sender.send({ type: 'send', conversationId: direct, clientMsgId: 'm-dup', content: 'once' });
    const second = await acked(sender, 'm-dup');
    assert.deepEqual([second.messageId, second.seq, second.duplicate], [first.messageId, first.seq, true]);
    const history = await call<{ items: Array<{ clientMsgId: string }> }>(`${chat1}/conversations/${direct}/messages`, {
      token: bob.token,
    });
    assert.equal(history.body.items.filter((m) => m.clientMsgId === 'm-dup').length, 1);
  });

  test('a reconnecting device gets exactly what it missed, in order', async () => {
    const bobDevice = await connect(chat1, bob);
    const sender = await connect(chat2, alice);
    sender.send({ type: 'send', conversationId: direct, clientMsgId: 'gap-0', content: 'before' });
    const seen = Number((await acked(sender, 'gap-0')).seq);
    await bobDevice.waitFor((f) => f.type === 'message' && (f.message as { seq: number }).seq === seen);
    await bobDevice.close();
    for (const n of [1, 2, 3]) {
      sender.send({ type: 'send', conversationId: direct, clientMsgId: `gap-${n}`, content: `missed ${n}` });
      await acked(sender, `gap-${n}`);
    }
    const back = await connect(chat2, bob);
    back.send({ type: 'sync', cursors: { [direct]: seen } });
    const synced = await back.waitFor((f) => f.type === 'synced');
    assert.deepEqual(
      back.messages(direct).map((m) => m.content),
      ['missed 1', 'missed 2', 'missed 3'],
    );
    assert.deepEqual(
      back.messages(direct).map((m) => m.seq),
      [seen + 1, seen + 2, seen + 3],
    );
    assert.deepEqual(synced.cursors, { [direct]: seen + 3 });
  });

  test('a group message reaches all members; a non-member can neither write nor read', async () => {
    const group = await call<{ id: string }>(`${chat2}/groups`, {
      body: { name: 'trio', memberIds: [bob.id, carol.id] },
      token: alice.token,
    });
    assert.equal(group.status, 201);
    const [bobDevice, carolDevice] = [await connect(chat1, bob), await connect(chat2, carol)];
    const aliceDevice = await connect(chat1, alice);
    aliceDevice.send({ type: 'send', conversationId: group.body.id, clientMsgId: 'g-1', content: 'hi all' });
    await acked(aliceDevice, 'g-1');
    for (const d of [bobDevice, carolDevice]) {
      await d.waitFor(
        (f) => f.type === 'message' && (f.message as { conversationId: string }).conversationId === group.body.id,
      );
    }
    const outsider = await newPerson();
    const outsiderDevice = await connect(chat2, outsider);
    outsiderDevice.send({ type: 'send', conversationId: group.body.id, clientMsgId: 'x-1', content: 'let me in' });
    const refused = await errorFor(outsiderDevice, (f) => f.ref === 'x-1');
    assert.equal(refused.code, 'FORBIDDEN');
    const read = await call<ErrorBody>(`${chat1}/conversations/${group.body.id}/messages`, { token: outsider.token });
    assert.equal(read.status, 403);
  });

  test('bad frames get error frames and the connection stays usable', async () => {
    const d = await connect(chat1, alice);
    d.sendRaw('{not json');
    assert.equal((await errorFor(d, (f) => f.code === 'BAD_FRAME')).code, 'BAD_FRAME');
    d.send({ type: 'teleport' });
    assert.equal((await errorFor(d, (f) => f.code === 'UNKNOWN_TYPE')).code, 'UNKNOWN_TYPE');
    d.send({ type: 'send', conversationId: direct, clientMsgId: 'big-1', content: 'x'.repeat(5000) });
    assert.equal((await errorFor(d, (f) => f.ref === 'big-1')).code, 'VALIDATION_FAILED');
    d.send({ type: 'ping' });
    await d.waitFor((f) => f.type === 'pong');
  });

  test('a flood is rate limited with error frames while the sender and others keep working', async () => {
    const flooder = await connect(chat2, carol);
    for (let i = 0; i < 150; i++) flooder.send({ type: 'ping' });
    await errorFor(flooder, (f) => f.code === 'RATE_LIMITED');
    const pongs = flooder.frames.filter((f) => f.type === 'pong').length;
    assert.ok(pongs >= 90 && pongs < 150, `served ${pongs} of 150`);
    const other = await connect(chat2, alice);
    other.send({ type: 'ping' });
    await other.waitFor((f) => f.type === 'pong');
    assert.equal(
      flooder.frames.some((f) => f.type === 'error' && f.code !== 'RATE_LIMITED'),
      false,
    );
  });

  test('an oversized frame closes only that connection, with code 1009', async () => {
    const d = await connect(chat1, bob);
    d.sendRaw(
      JSON.stringify({ v: 1, type: 'send', conversationId: direct, clientMsgId: 'huge', content: 'x'.repeat(70_000) }),
    );
    assert.equal((await d.closed).code, 1009);
  });

  test('a bad token is refused before the upgrade', async () => {
    await assert.rejects(connectDevice(chat1, 'not-a-token'), /upgrade refused: 401/);
  });

  test('pipelined sends: acks may come in any order, yet sequence numbers are unique and delivered in order', async () => {
    const [frank, gina] = await Promise.all([newPerson(), newPerson()]);
    const dm = await call<{ id: string }>(`${chat2}/conversations/direct`, {
      body: { userId: gina.id },
      token: frank.token,
    });
    const sender = await connect(chat1, frank);
    const receiver = await connect(chat2, gina);
    const ids = Array.from({ length: 20 }, (_, i) => `p-${i}`);
    for (const id of ids) sender.send({ type: 'send', conversationId: dm.body.id, clientMsgId: id, content: id });
    const acks = await Promise.all(ids.map((id) => acked(sender, id)));
    const seqs = acks.map((a) => Number(a.seq));
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    await receiver.waitFor(() => receiver.messages(dm.body.id).length === 20);
    const got = receiver.messages(dm.body.id);
    assert.deepEqual(
      got.map((m) => m.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
      'delivered in sequence order',
    );
    for (const [i, id] of ids.entries())
      assert.equal(got.find((m) => m.seq === seqs[i])?.content, id, 'each ack names its own message');
  });

  test('history pages by sequence range', async () => {
    const page = await call<{ items: Array<{ seq: number }>; lastSeq: number }>(
      `${chat2}/conversations/${direct}/messages?after=1&limit=2`,
      { token: alice.token },
    );
    assert.deepEqual(
      page.body.items.map((m) => m.seq),
      [2, 3],
    );
    assert.ok(page.body.lastSeq >= 6);
  });
});
