import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eligibleRows, retryDelayMs, settle, splitRetries } from './outbox-plan.ts';

const now = Date.parse('2026-12-02T10:00:00Z');
const row = (id: number, key: string, attempts = 0, topic = 't', ageMs = 60_000) => ({
  id,
  topic,
  partition_key: key,
  attempts,
  created_at: new Date(now - ageMs),
});
const policy = { maxAttempts: 5, minAgeMs: 30_000, now };

test('a failing head goes alone for its key; other keys and topics are not held up', () => {
  const rows = [row(1, 'a', 2), row(2, 'b'), row(3, 'a'), row(4, 'b'), row(5, 'a', 0, 'other'), row(6, 'a')];
  assert.deepEqual(
    eligibleRows(rows).map((r) => r.id),
    [1, 2, 4, 5],
  );
  assert.deepEqual(
    eligibleRows([row(1, 'a'), row(2, 'a')]).map((r) => r.id),
    [1, 2],
    'healthy keys publish everything in order',
  );
});

test('a failure is charged only when something else went out, and parks at the last attempt', () => {
  const sent = [row(1, 'a', 3), row(2, 'b', 0), row(3, 'c', 4), row(4, 'd', 4, 't', 1_000)];
  const result = settle(sent, new Set(['1', '3', '4']), policy);
  assert.deepEqual(
    [result.published, result.charged, result.parked, result.uncharged].map((list) => list.map((r) => r.id)),
    [[2], [1, 4], [3], []],
    'a young event is charged but not parked yet',
  );
  const outage = settle(sent, new Set(['1', '2', '3', '4']), policy);
  assert.deepEqual(
    [outage.published, outage.charged, outage.parked, outage.uncharged].map((list) => list.map((r) => r.id)),
    [[], [], [], [1, 2, 3, 4]],
  );
});

test('a failed key waits 1 s, doubling per failure, never more than 10 s', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 9].map(retryDelayMs), [1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('retries are split from first tries, so a refused event never fails the call carrying others', () => {
  const { first, retries } = splitRetries([row(1, 'a', 2), row(2, 'b'), row(3, 'c', 1), row(4, 'd')]);
  assert.deepEqual(
    [first.map((r) => r.id), retries.map((r) => r.id)],
    [
      [2, 4],
      [1, 3],
    ],
  );
});
