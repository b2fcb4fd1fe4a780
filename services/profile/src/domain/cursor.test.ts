import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCursor, encodeCursor } from './cursor.ts';

test('a cursor decodes to the position it was made from', () => {
  const position = { createdAt: new Date('2026-03-04T05:06:07.089Z'), userId: 'user-1_A' };
  const text = encodeCursor(position);
  assert.match(text, /^[A-Za-z0-9_-]+$/, 'url-safe without escaping');
  assert.deepEqual(decodeCursor(text), position);
});

test('decodeCursor refuses text that is not base64url', () => {
  assert.equal(decodeCursor('not a cursor!'), undefined);
  assert.equal(decodeCursor(''), undefined);
  assert.equal(decodeCursor('a+b/c='), undefined);
});

test('decodeCursor refuses base64url that is not a JSON position', () => {
  const wrap = (value: string) => Buffer.from(value).toString('base64url');
  assert.equal(decodeCursor(wrap('{"t":')), undefined, 'truncated JSON');
  assert.equal(decodeCursor(wrap('[]')), undefined, 'not an object');
  assert.equal(decodeCursor(wrap('{"t":"yesterday","id":"u1"}')), undefined, 'bad time');
  assert.equal(decodeCursor(wrap('{"t":"2026-01-01T00:00:00.000Z"}')), undefined, 'no id');
  assert.equal(decodeCursor(wrap(`{"t":"2026-01-01T00:00:00.000Z","id":"${'x'.repeat(37)}"}`)), undefined, 'long id');
  assert.equal(decodeCursor(wrap('{"t":"2026-01-01T00:00:00.000Z","id":"u1","x":1}')), undefined, 'extra key');
});

test('decodeCursor refuses an oversized cursor without decoding it', () => {
  assert.equal(decodeCursor('A'.repeat(513)), undefined);
});
