import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordFailure, retryAfterSeconds } from './login-limits.ts';

const windowMs = 60_000;

test('failures inside one window add up and block at the limit', () => {
  let counter = recordFailure(undefined, 0, windowMs);
  counter = recordFailure(counter, 1000, windowMs);
  counter = recordFailure(counter, 2000, windowMs);
  assert.equal(counter.count, 3);
  assert.equal(retryAfterSeconds(counter, 4, 2000, windowMs), 0);
  assert.equal(retryAfterSeconds(counter, 3, 2000, windowMs), 58);
});

test('a failure after the window starts counting again', () => {
  const old = { count: 9, windowStartedAt: 0 };
  assert.deepEqual(recordFailure(old, windowMs, windowMs), { count: 1, windowStartedAt: windowMs });
  assert.equal(retryAfterSeconds(old, 5, windowMs + 1, windowMs), 0);
});
