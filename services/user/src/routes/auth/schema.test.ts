import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerHeaders } from './schema.ts';

const keyOf = (headers: Record<string, string>) => registerHeaders.parse(headers)['idempotency-key'];

test('a missing or empty idempotency key leaves the registration id to the server', () => {
  assert.equal(keyOf({}), undefined);
  assert.equal(keyOf({ 'idempotency-key': '' }), undefined);
});

test('an idempotency key of 22 or more url-safe characters is the registration id', () => {
  const key = 'aZ09_-'.repeat(4);
  assert.equal(keyOf({ 'idempotency-key': key, 'content-type': 'application/json' }), key);
  assert.throws(() => keyOf({ 'idempotency-key': 'x'.repeat(21) }), /128 random bits/);
});
