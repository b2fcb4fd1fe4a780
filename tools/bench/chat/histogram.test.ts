import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram } from './histogram.ts';

test('percentiles are within 1% above the true value', () => {
  const h = new Histogram();
  for (let ms = 1; ms <= 1000; ms++) h.record(ms);
  const p99 = h.percentile(99) ?? 0;
  assert.ok(p99 >= 990 && p99 <= 990 * 1.01, String(p99));
  assert.equal(h.count, 1000);
});

test('merges and counts repeated samples', () => {
  const a = new Histogram();
  const b = new Histogram();
  a.record(5, 99);
  b.record(5000);
  a.add(b);
  assert.ok((a.percentile(99) ?? 0) < 6);
  assert.ok((a.percentile(100) ?? 0) >= 5000);
  assert.equal(new Histogram().percentile(50), null);
});
