import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageView } from '@soulchat/contracts/chat-protocol';
import { reconnectDelayMs } from './backoff.ts';
import { errorFromResponse } from './errors.ts';
import { PendingSends } from './pending-sends.ts';
import { SeqTracker } from './seq-tracker.ts';
import { secondsLeft } from './session.ts';

const message = (conversationId: string, seq: number): MessageView => ({
  id: `m${seq}`,
  conversationId,
  seq,
  senderId: 'u1',
  clientMsgId: `c${seq}`,
  kind: 'text',
  content: `#${seq}`,
  attachment: null,
  createdAt: new Date(0).toISOString(),
  editedAt: null,
  deleted: false,
});
const seqs = (ms: MessageView[]) => ms.map((m) => m.seq);

test('reconnect delays grow exponentially to the cap, each a random share of it', () => {
  const options = { baseMs: 100, maxMs: 1_000 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 10].map((a) => reconnectDelayMs(a, options, () => 0.999)),
    [99, 199, 399, 799, 999, 999],
  );
  assert.equal(
    reconnectDelayMs(3, options, () => 0),
    0,
  );
  assert.equal(
    reconnectDelayMs(3, options, () => 0.5),
    400,
  );
});

test('messages are released once, in seq order, and a gap is reported and then filled', () => {
  const tracker = new SeqTracker({ c1: 2 });
  assert.deepEqual(seqs(tracker.accept(message('c1', 3)).released), [3]);
  assert.deepEqual(tracker.accept(message('c1', 3)).released, [], 'a repeat is dropped');
  const gap = tracker.accept(message('c1', 6));
  assert.deepEqual(gap, { released: [], gapAfter: 3 }, 'seq 6 waits for 4 and 5');
  assert.deepEqual(tracker.accept(message('c1', 5)), { released: [] }, 'the same gap is asked for once');
  assert.deepEqual(seqs(tracker.accept(message('c1', 4)).released), [4, 5, 6], 'the fill releases the held ones');
  assert.deepEqual(tracker.cursors(), { c1: 6 });
});

test('after a sync, a gap the server could not fill is skipped and left conversations are forgotten', () => {
  const tracker = new SeqTracker({ c1: 1, c9: 4 });
  assert.equal(tracker.accept(message('c1', 4)).gapAfter, 1);
  assert.deepEqual(seqs(tracker.settle({ c1: 4 }, ['c9'])), [4], 'the held message goes out once the sync is done');
  assert.deepEqual(tracker.cursors(), { c1: 4 });
  assert.deepEqual(tracker.accept(message('c1', 4)).released, [], 'and is not shown twice');
});

test('a conversation seen first live starts at that message; follow sets where a new one starts', () => {
  const tracker = new SeqTracker();
  assert.deepEqual(seqs(tracker.accept(message('c2', 40)).released), [40]);
  tracker.follow('c3', 0);
  assert.deepEqual(tracker.accept(message('c3', 2)).gapAfter, 0, 'c3 followed from 0: seq 1 is missing');
  tracker.follow('c2', 0);
  assert.deepEqual(tracker.cursors(), { c2: 40, c3: 0 }, 'follow never moves a known cursor');
});

test('pending sends keep their order, resolve on ack, and reject when they fail or the client closes', async () => {
  const pending = new PendingSends();
  const frame = (id: string) =>
    ({ v: 1, type: 'send', conversationId: 'c1', clientMsgId: id, kind: 'text', content: id }) as const;
  const a = pending.add(frame('a'));
  const b = pending.add(frame('b'));
  const c = pending.add(frame('c'));
  await assert.rejects(pending.add(frame('a')), /already pending/);
  assert.deepEqual(
    pending.frames().map((f) => f.clientMsgId),
    ['a', 'b', 'c'],
  );
  pending.acked('b', { conversationId: 'c1', messageId: 'm2', seq: 2, duplicate: false });
  assert.equal((await b).seq, 2);
  pending.failed('a', new Error('refused'));
  await assert.rejects(a, /refused/);
  pending.rejectAll(new Error('closed'));
  await assert.rejects(c, /closed/);
  assert.equal(pending.size, 0);
});

test('the seconds left on an access token come from its exp; garbage counts as expired', () => {
  const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${encode({ alg: 'EdDSA' })}.${encode({ exp: 1_000 })}.sig`;
  assert.equal(secondsLeft(token, 940_000), 60);
  assert.equal(secondsLeft('not-a-token'), 0);
});

test('an HTTP error answer becomes a SoulChatError with its code, message and Retry-After', async () => {
  const res = new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'slow down' } }), {
    status: 429,
    headers: { 'retry-after': '7' },
  });
  const err = await errorFromResponse(res);
  assert.deepEqual(
    [err.code, err.message, err.status, err.retryAfterSeconds, err.rateLimited],
    ['RATE_LIMITED', 'slow down', 429, 7, true],
  );
  const bare = await errorFromResponse(new Response('<html>', { status: 502, statusText: 'Bad Gateway' }));
  assert.deepEqual([bare.code, bare.message], ['HTTP_502', 'Bad Gateway']);
});
