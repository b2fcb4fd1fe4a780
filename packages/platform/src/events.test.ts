import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context } from 'koa';
import { consumeEvents, eventsHandled } from './events.ts';
import { createLogger } from './logger.ts';

const log = createLogger('events-test', 'silent');
const ctx = {} as Context;
const counted = async (topic: string, outcome: string) =>
  (await eventsHandled.get()).values.find((v) => v.labels.topic === topic && v.labels.outcome === outcome)?.value ?? 0;

test('decodes, dedupes by the envelope id, and answers done, retry or drop with a count for each', async () => {
  const topic = 'test.thing_happened';
  const seen = new Set<string>();
  let failNext = false;
  const sub = consumeEvents({
    topic,
    log,
    decode: (data) => {
      const d = data as { envelope?: { id: string }; n?: unknown };
      if (typeof d?.n !== 'number') throw new Error('n must be a number');
      return { envelope: d.envelope, n: d.n };
    },
    apply: async (_event, eventId) => {
      if (failNext) {
        failNext = false;
        throw new Error('database down');
      }
      if (seen.has(eventId)) return false;
      seen.add(eventId);
      return true;
    },
  });
  assert.equal(sub.route, '/events/test-thing-happened');
  const deliver = (data: unknown, id = 'cloud-1') => sub.handle({ id, topic, data }, ctx);
  assert.equal(await deliver({ envelope: { id: 'e1' }, n: 1 }), 'SUCCESS');
  // A re-publish gets a new CloudEvent id; the envelope id still says it is the same event.
  assert.equal(await deliver({ envelope: { id: 'e1' }, n: 1 }, 'cloud-2'), 'SUCCESS');
  assert.deepEqual([...seen], ['e1']);
  assert.equal(await deliver({ envelope: { id: 'e2' }, n: 'x' }), 'DROP');
  assert.equal(await deliver({ envelope: { id: 'x'.repeat(129) }, n: 3 }), 'DROP');
  failNext = true;
  assert.equal(await deliver({ envelope: { id: 'e3' }, n: 3 }), 'RETRY');
  assert.equal(await deliver({ envelope: { id: 'e3' }, n: 3 }), 'SUCCESS');
  assert.deepEqual(
    await Promise.all(['applied', 'duplicate', 'dropped', 'retried'].map((o) => counted(topic, o))),
    [2, 1, 2, 1],
  );
});
