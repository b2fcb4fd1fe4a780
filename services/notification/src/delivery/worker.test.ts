import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntilDue } from './worker.ts';

const now = Date.parse('2026-12-02T10:00:00.000Z');
const at = (ms: number) => new Date(now + ms);

test('the worker sleeps until the next send falls due, never longer than its safety-net poll', () => {
  assert.equal(waitUntilDue(at(1_500), now, 30_000), 1_501, 'a retry due in 1.5 s: woken just after it');
  assert.equal(waitUntilDue(at(120_000), now, 30_000), 30_000, 'a retry due later: the poll comes first');
  assert.equal(waitUntilDue(undefined, now, 30_000), 30_000, 'nothing pending: only the poll');
});

test('a send already due is tried again soon but not in a busy loop', () => {
  assert.equal(waitUntilDue(at(-5_000), now, 30_000), 20);
  assert.equal(waitUntilDue(at(0), now, 30_000), 20);
});
