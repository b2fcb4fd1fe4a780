import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ackedSeq, leading, messageIndex, typeInitial, typeName } from './frames.ts';

const tag = Buffer.from('bx1s2');
const message = (id: string) =>
  Buffer.from(
    JSON.stringify({
      v: 1,
      type: 'message',
      message: { id: 'm1', conversationId: 'c', seq: 7, senderId: 'u', clientMsgId: id, content: 'x' },
    }),
  );

test('finds the index of a message of the current step', () => {
  assert.equal(typeInitial(message('bx1s2-1234')), leading.message);
  assert.equal(messageIndex(message('bx1s2-1234'), tag), 1234);
});

test('ignores messages of another step or another client', () => {
  assert.equal(messageIndex(message('bx1s1-1234'), tag), -1);
  assert.equal(messageIndex(message('bx1s21-4'), tag), -1);
  assert.equal(messageIndex(message('other'), tag), -1);
});

test('reads the seq of an ack', () => {
  const ack = Buffer.from(
    JSON.stringify({ v: 1, type: 'ack', clientMsgId: 'bx1s2-9', conversationId: 'c', seq: 42, duplicate: false }),
  );
  assert.equal(typeInitial(ack), leading.ack);
  assert.equal(messageIndex(ack, tag), 9);
  assert.equal(ackedSeq(ack), 42);
});

test('names other frames', () => {
  assert.equal(typeName(Buffer.from('{"v":1,"type":"synced","cursors":{}}')), 'synced');
  assert.equal(typeInitial(Buffer.from('{"v":1}')), -1);
});
