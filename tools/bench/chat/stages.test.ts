import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStages, stageDelta } from './stages.ts';

const exposition = (stored: [number, number, number], sum: number) =>
  [
    '# HELP soulchat_message_stage_seconds where a message spends its time',
    `soulchat_message_stage_seconds_bucket{le="0.005",stage="stored"} ${stored[0]}`,
    `soulchat_message_stage_seconds_bucket{le="0.05",stage="stored"} ${stored[1]}`,
    `soulchat_message_stage_seconds_bucket{le="+Inf",stage="stored"} ${stored[2]}`,
    `soulchat_message_stage_seconds_sum{stage="stored"} ${sum}`,
    `soulchat_message_stage_seconds_count{stage="stored"} ${stored[2]}`,
    'soulchat_messages_sent_total{kind="text"} 7',
  ].join('\n');

test('a step is the difference of two snapshots, instances summed', () => {
  const before = parseStages(exposition([10, 10, 10], 0.01));
  // Two instances after the step: 110 new samples, 108 within 5 ms, 2 between 5 and 50 ms.
  const after = parseStages(exposition([50, 51, 51], 0.05));
  parseStages(exposition([68, 69, 69], 0.06), after);
  const delta = stageDelta(before, after);
  assert.deepEqual(Object.keys(delta), ['stored']);
  assert.equal(delta.stored?.count, 110);
  assert.equal(delta.stored?.meanMs, 0.91);
  assert.equal(delta.stored?.p50Ms, 5);
  assert.equal(delta.stored?.p99Ms, 50);
});

test('a stage with no new samples is left out, and samples past the last bound have no percentile', () => {
  const before = parseStages(exposition([1, 1, 1], 0.001));
  assert.deepEqual(stageDelta(before, before), {});
  const slow = stageDelta(before, parseStages(exposition([1, 1, 3], 9)));
  assert.equal(slow.stored?.p99Ms, null);
});
