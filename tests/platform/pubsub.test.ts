import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually, getJson, postJson, startTestApp, type TestApp, uniqueId } from '../harness/stack.ts';

const probe = { workspace: 'tests/platform/fixtures', entry: 'probe-app.ts' };

interface Received {
  key: string;
  seq: number;
  mode: string;
  attempt: number;
  partition: string;
}

describe('pub/sub through Kafka to a Koa subscriber', () => {
  const topic = uniqueId('platform-events');
  let publisher: TestApp;
  let subscriber: TestApp;
  const received = async () => (await getJson<Received[]>(subscriber.url('/received'))).body;
  const publish = async (key: string, seq: number, mode: string) => {
    const { status } = await postJson(publisher.url('/publish'), { key, seq, mode });
    assert.equal(status, 204);
  };

  before(async () => {
    subscriber = await startTestApp(uniqueId('sub'), { ...probe, env: { SUBSCRIBE_TOPIC: topic } });
    publisher = await startTestApp(uniqueId('pub'), { ...probe, env: { PUBLISH_TOPIC: topic } });
  });
  after(async () => {
    await publisher?.stop();
    await subscriber?.stop();
  });

  test('delivers CloudEvents in publish order per partition key', async () => {
    const keys = ['alpha', 'bravo', 'charlie'];
    for (let seq = 0; seq < 10; seq++) for (const key of keys) await publish(key, seq, 'ok');
    const got = await eventually(received, (r) => r.filter((e) => e.mode === 'ok').length >= 30);
    for (const key of keys) {
      const mine = got.filter((e) => e.key === key);
      assert.deepEqual(
        mine.map((e) => e.seq),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        `order for ${key}`,
      );
      assert.equal(new Set(mine.map((e) => e.partition)).size, 1, `${key} stays on one partition`);
    }
  });

  test('an event answered with RETRY is delivered again', async () => {
    await publish('retry', 0, 'retry-once');
    const got = await eventually(received, (r) => r.some((e) => e.key === 'retry' && e.attempt === 2));
    assert.deepEqual(
      got.filter((e) => e.key === 'retry').map((e) => e.attempt),
      [1, 2],
    );
  });

  test('an event answered with DROP is not delivered again', async () => {
    await publish('drop', 0, 'drop');
    // A later event on the same key arrives only after the dropped one was settled.
    await publish('drop', 1, 'ok');
    const got = await eventually(received, (r) => r.some((e) => e.key === 'drop' && e.seq === 1));
    assert.deepEqual(
      got.filter((e) => e.key === 'drop').map((e) => [e.seq, e.attempt]),
      [
        [0, 1],
        [1, 1],
      ],
    );
  });
});
