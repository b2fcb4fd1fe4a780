import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram } from './histogram.ts';
import { summarise } from './outcome.ts';
import type { WorkerStepResult } from './protocol.ts';
import type { Schedule } from './schedule.ts';

/** Four messages, one a warm-up; each owed to two devices. */
function schedule(): Schedule {
  return {
    rate: 1,
    count: 4,
    measuredFrom: 1,
    offsetsMs: Float64Array.from([0, 1000, 2000, 3000]),
    conversation: new Int32Array(4),
    senderDevice: new Int32Array(4),
    expected: Int32Array.from([2, 2, 2, 2]),
    windowStartMs: 1000,
    windowEndMs: 4000,
  };
}

function workerResult(deliveredMs: number[]): WorkerStepResult {
  const deliver = new Histogram();
  for (const ms of deliveredMs) deliver.record(ms);
  return {
    ack: new Histogram().counts,
    deliver: deliver.counts,
    lag: new Histogram().counts,
    acksInWindow: 3,
    deliveriesInWindow: deliveredMs.length,
    skipped: 0,
    errors: {},
    closed: [],
  };
}

test('a delivery that never came counts at its age, so it raises the p99', () => {
  const raw = {
    schedule: schedule(),
    scheduledAt: Float64Array.from([0, 1000, 2000, 3000]),
    delivered: Int32Array.from([2, 2, 2, 1]),
    ackSeq: Int32Array.from([1, 2, 3, 4]),
    finishedAt: 60_000,
    results: [workerResult([5, 5, 5, 5, 5])],
  };
  const outcome = summarise(raw);
  assert.equal(outcome.sent, 3);
  assert.equal(outcome.acked, 3);
  assert.equal(outcome.missingDeliveries, 1);
  assert.equal(outcome.messagesPerSecond, 1);
  assert.ok((outcome.deliver.p99 ?? 0) >= 57_000, String(outcome.deliver.p99));
});

test('counts unacked sends, duplicates and misses of the warm-up', () => {
  const raw = {
    schedule: schedule(),
    scheduledAt: Float64Array.from([0, 1000, 2000, 3000]),
    delivered: Int32Array.from([1, 3, 2, 2]),
    ackSeq: Int32Array.from([1, 2, -1, 4]),
    finishedAt: 20_000,
    results: [workerResult([5, 5, 5, 5, 5, 5, 5])],
  };
  const outcome = summarise(raw);
  assert.equal(outcome.acked, 2);
  assert.equal(outcome.duplicates, 1);
  assert.equal(outcome.missingDeliveries, 1);
  assert.ok((outcome.ack.p99 ?? 0) >= 18_000, 'the unacked send counts at its age');
});
