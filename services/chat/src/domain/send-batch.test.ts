import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignSeqs, seqCounts, takeBatch } from './send-batch.ts';

const send = (conversationId: string, n: number) => ({ conversationId, n });

test('a batch skips conversations in flight and keeps the rest queued in arrival order', () => {
  const queue = [send('a', 1), send('b', 2), send('a', 3), send('c', 4), send('b', 5)];
  const batch = takeBatch(queue, new Set(['b']), 10);
  assert.deepEqual(
    batch.map((s) => s.n),
    [1, 3, 4],
  );
  assert.deepEqual(
    queue.map((s) => s.n),
    [2, 5],
  );
});

test('a batch holds at most max sends', () => {
  const queue = [send('a', 1), send('b', 2), send('c', 3)];
  assert.deepEqual(
    takeBatch(queue, new Set(), 2).map((s) => s.n),
    [1, 2],
  );
  assert.deepEqual(
    queue.map((s) => s.n),
    [3],
  );
});

test('each conversation hands out its reserved range in batch order', () => {
  const ids = ['a', 'b', 'a', 'a', 'b'];
  assert.deepEqual(
    [...seqCounts(ids)],
    [
      ['a', 3],
      ['b', 2],
    ],
  );
  // a ended at 10 after reserving 3 (so 8, 9, 10); b at 2 after reserving 2 (1, 2).
  assert.deepEqual(
    assignSeqs(
      ids,
      new Map([
        ['a', 10],
        ['b', 2],
      ]),
    ),
    [8, 1, 9, 10, 2],
  );
});
