import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateLimiter, take } from './rate-limit.ts';

test('the token bucket allows a burst up to capacity, then refills over time', () => {
  let bucket = { tokens: 3, updatedAt: 0 };
  const allowed: boolean[] = [];
  for (let i = 0; i < 4; i++) {
    const r = take(bucket, 0, 3, 3000);
    allowed.push(r.allowed);
    bucket = r.bucket;
  }
  assert.deepEqual(allowed, [true, true, true, false]);
  assert.equal(take(bucket, 1000, 3, 3000).allowed, true);
});

test('a keyed limiter limits each key on its own and says how long to wait', () => {
  let clock = 0;
  const limiter = createRateLimiter({ capacity: 2, windowMs: 10_000, maxKeys: 2, now: () => clock });
  assert.deepEqual([limiter.check('a'), limiter.check('a'), limiter.check('a')], [undefined, undefined, 5]);
  assert.equal(limiter.check('b'), undefined, 'another key has its own bucket');
  clock = 5_000;
  assert.equal(limiter.check('a'), undefined, 'one token back after half the window');
  limiter.check('c');
  limiter.check('b');
  assert.equal(limiter.check('a'), undefined, 'a was forgotten (only 2 keys kept), so it starts full');
});
