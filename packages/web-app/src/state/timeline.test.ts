import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageView } from '@soulchat/client';
import { applyChange, failPending, mergeTimeline, pendingMessage, seenByOthers, stored } from './timeline.ts';

const message = (seq: number, clientMsgId = `c${seq}`): MessageView => ({
  id: `m${seq}`,
  conversationId: 'c',
  seq,
  senderId: 'u1',
  clientMsgId,
  kind: 'text',
  content: `text ${seq}`,
  attachment: null,
  createdAt: '2026-12-07T00:00:00.000Z',
  editedAt: null,
  deleted: false,
});

test('history pages and live messages merge into one seq-ordered timeline without repeats', () => {
  const live = mergeTimeline([], [stored(message(5)), stored(message(6))]);
  const withHistory = mergeTimeline(
    live,
    [4, 5, 3].map((s) => stored(message(s))),
  );
  assert.deepEqual(
    withHistory.map((m) => m.seq),
    [3, 4, 5, 6],
  );
});

test('a pending send stays last until its stored message (same client id) replaces it', () => {
  const pending = pendingMessage('c', 'u1', 'mine', 'hello');
  const before = mergeTimeline([stored(message(1))], [pending]);
  assert.deepEqual(
    before.map((m) => m.pending),
    [false, true],
  );
  const after = mergeTimeline(before, [stored(message(2, 'mine')), stored(message(3))]);
  assert.deepEqual(
    after.map((m) => [m.seq, m.pending]),
    [
      [1, false],
      [2, false],
      [3, false],
    ],
  );
});

test('a refused send is marked failed and stays visible', () => {
  const timeline = failPending([pendingMessage('c', 'u1', 'x', 'hi')], 'x', 'blocked');
  assert.equal(timeline[0]?.failed, 'blocked');
});

test('an edit, a recall and reactions change only the message they name', () => {
  const timeline = [stored(message(1)), stored(message(2))];
  const edited = applyChange(timeline, {
    messageId: 'm2',
    change: 'deleted',
    content: '',
    editedAt: null,
    reactions: { '👍': ['u2'] },
  });
  assert.equal(edited[1]?.deleted, true);
  assert.deepEqual(edited[1]?.reactions, { '👍': ['u2'] });
  assert.equal(edited[0]?.deleted, false);
});

test('seen is the lowest read position of the other members', () => {
  assert.equal(seenByOthers({ me: 9, a: 4, b: 7 }, 'me'), 4);
  assert.equal(seenByOthers({ me: 9 }, 'me'), 0);
});
