import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createDaprClient,
  createDatabase,
  createLogger,
  enqueueEvent,
  migrateToLatest,
  type OutboxDb,
  outboxMetrics,
  parkedEvents,
  replayParked,
  startOutboxRelay,
} from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { type FreshDatabase, freshDatabase } from '../harness/database.ts';
import { eventually, sharedStack, uniqueId } from '../harness/stack.ts';

/**
 * An event the broker refuses (over Kafka's 1 MiB message limit) beside healthy traffic, through
 * the real profile sidecar and Kafka: only its own key waits, it is parked after its attempts,
 * the key goes on without it, a metric counts it, and a replay sends it once it is fixed.
 */
describe('an outbox event the broker refuses', () => {
  const topic = uniqueId('outbox-poison');
  let fresh: FreshDatabase;
  let db: Kysely<OutboxDb>;
  let relay: ReturnType<typeof startOutboxRelay>;
  let stopFeeding = () => {};

  before(async () => {
    fresh = await freshDatabase('outbox_poison');
    db = createDatabase<OutboxDb>({ url: fresh.url, poolSize: 4 });
    await migrateToLatest(db, path.join(import.meta.dirname, '../../services/profile/src/db/migrations'));
    const sidecar = sharedStack().apps.find((a) => a.id === 'profile');
    assert.ok(sidecar);
    relay = startOutboxRelay({
      db,
      dapr: createDaprClient({ httpPort: sidecar.daprHttpPort, apiToken: sidecar.daprApiToken }),
      pubsub: 'pubsub',
      log: createLogger('outbox-test', 'silent'),
      intervalMs: 100,
      maxAttempts: 3,
      minParkAgeMs: 0,
    });
  });
  after(async () => {
    stopFeeding();
    await relay?.stop();
    await db?.destroy();
    await fresh?.drop();
  });

  const record = async (key: string, body: unknown) => {
    const eventId = randomUUID();
    await enqueueEvent(db, { eventId, topic, partitionKey: key, payload: { body } });
    return eventId;
  };
  const row = (eventId: string) =>
    db.selectFrom('outbox').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow();

  test('holds back only its key, is parked, lets its key go on, and is sent once replayed', async () => {
    const poison = await record('bad', 'x'.repeat(1_200_000));
    // Healthy traffic on other keys keeps flowing (and shows the broker is up).
    const healthy: string[] = [];
    const feeder = setInterval(
      () => void record(`good-${healthy.length % 3}`, 'fine').then((id) => healthy.push(id)),
      50,
    );
    stopFeeding = () => clearInterval(feeder);

    const failing = await eventually(
      () => row(poison),
      (r) => r.attempts >= 1,
      30_000,
      'a charged attempt on the poison',
    );
    assert.match(failing.last_error ?? '', /larger than|too large/i);
    // Events of its key that were in the same publish call went out; from now on its key waits.
    const behindPoison = await record('bad', 'after the poison');
    const laterHealthy = healthy.length;
    await eventually(
      async () => (await row(healthy[laterHealthy + 1] ?? poison)).published_at,
      (at) => at !== null,
      30_000,
      'healthy events recorded after the failure to be published',
    );
    assert.equal((await row(behindPoison)).published_at, null, 'the poison key waits behind it');

    const parked = await eventually(
      () => row(poison),
      (r) => r.parked_at !== null,
      30_000,
      'the poison to be parked',
    );
    assert.equal(parked.attempts, 3);
    await eventually(
      () => row(behindPoison),
      (r) => r.published_at !== null,
      30_000,
      'its key to go on without it',
    );
    assert.deepEqual(
      (await parkedEvents(db)).map((e) => e.eventId),
      [poison],
    );
    const gauge = outboxMetrics(db).find((m) => (m as { name?: string }).name === 'soulchat_outbox_parked_events');
    assert.ok(gauge);
    assert.equal((await gauge.get()).values[0]?.value, 1);

    // An operator fixes the payload, then replays it.
    await db
      .updateTable('outbox')
      .set({ payload: JSON.stringify({ body: 'fixed' }) })
      .where('event_id', '=', poison)
      .execute();
    assert.equal(await replayParked(db), 1);
    const sent = await eventually(
      () => row(poison),
      (r) => r.published_at !== null,
      30_000,
      'the replayed event to go out',
    );
    assert.equal(sent.parked_at, null);
    stopFeeding();
    assert.ok(healthy.length > 0);
    for (const id of healthy.slice(0, -5))
      assert.notEqual((await row(id)).published_at, null, `healthy ${id} published`);
  });
});

describe('npm run outbox (the operator command)', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'tools/outbox.ts', ...args, '--run-dir', sharedStack().runDir], {
      cwd: path.join(import.meta.dirname, '../..'),
      encoding: 'utf8',
      timeout: 60_000,
    });

  test('lists the parked events of every service with an outbox, and refuses an unknown service', () => {
    const list = run('list');
    assert.equal(list.status, 0, list.stderr);
    for (const service of ['user', 'profile', 'chat', 'notification'])
      assert.match(list.stdout, new RegExp(`^${service}: \\d+ parked$`, 'm'));
    assert.doesNotMatch(list.stdout, /^skeleton:/m, 'an app without an outbox is not listed');
    const unknown = run('replay', 'nosuch');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /services with an outbox: .*chat/);
  });
});
