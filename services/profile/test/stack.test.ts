import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { encode, newEnvelope, topics, UserDeletedSchema } from '@soulchat/contracts';
import { components, createDaprClient, createDatabase, enqueueEvent } from '@soulchat/platform';
import { eventually, getJson, sharedStack } from '../../../tests/harness/stack.ts';
import type { Database } from '../src/db/schema.ts';

/** The profile app that the shared stack started from src/main.ts, with its own database. */
function runningProfile() {
  const app = sharedStack().apps.find((a) => a.id === 'profile');
  assert.ok(app?.databaseUrl, 'the shared stack runs the profile app with a database');
  const dapr = createDaprClient({ httpPort: app.daprHttpPort, apiToken: app.daprApiToken });
  return { app, dapr, databaseUrl: app.databaseUrl };
}

describe('profile service in the running stack', () => {
  test('reports ready with its database and sidecar reachable', async () => {
    const { app } = runningProfile();
    const res = await getJson<{ status: string; checks: Record<string, string> }>(
      `http://127.0.0.1:${app.port}/readyz`,
    );
    assert.deepEqual(res.body, { status: 'ready', checks: { database: 'ok', sidecar: 'ok' } });
  });

  test('serves its internal API through its sidecar, which sends the app token', async () => {
    const { dapr } = runningProfile();
    const userId = randomUUID();
    const body = { userId, username: 'via_dapr', displayName: 'Via Dapr' };
    const created = await dapr.invokeRaw('profile', 'internal/profiles', { method: 'POST', body });
    assert.equal(created.status, 201);
    assert.equal((created.body as { userId: string }).userId, userId);
    const check = await dapr.invokeRaw('profile', `internal/blocks?a=${userId}&b=${randomUUID()}`);
    assert.deepEqual(check, { status: 200, body: { blocked: false } });
    const removed = await dapr.invokeRaw('profile', `internal/profiles/${userId}`, { method: 'DELETE' });
    assert.equal(removed.status, 204);
  });

  test('receives user.deleted from the pub/sub and removes the profile', async () => {
    const { dapr, databaseUrl } = runningProfile();
    const userId = randomUUID();
    const body = { userId, username: 'to_delete', displayName: 'To Delete' };
    assert.equal((await dapr.invokeRaw('profile', 'internal/profiles', { method: 'POST', body })).status, 201);
    const message = create(UserDeletedSchema, { envelope: newEnvelope(topics.userDeleted, 'user'), userId });
    await dapr.publish(components.pubsub, topics.userDeleted, encode(UserDeletedSchema, message), {
      partitionKey: userId,
    });
    const db = createDatabase<Database>({ url: databaseUrl, poolSize: 1 });
    try {
      const rows = await eventually(
        () => db.selectFrom('profiles').select('user_id').where('user_id', '=', userId).execute(),
        (r) => r.length === 0,
        60_000,
      );
      assert.equal(rows.length, 0, 'the profile is gone once the event arrived');
    } finally {
      await db.destroy();
    }
  });

  test('its outbox relay publishes what a transaction recorded', async () => {
    const { databaseUrl } = runningProfile();
    const db = createDatabase<Database>({ url: databaseUrl, poolSize: 1 });
    try {
      const envelope = newEnvelope(topics.userDeleted, 'profile-test');
      // A probe for a user nobody has: the running app consumes it harmlessly.
      const payload = encode(UserDeletedSchema, create(UserDeletedSchema, { envelope, userId: randomUUID() }));
      await db
        .transaction()
        .execute((trx) =>
          enqueueEvent(trx, { eventId: envelope.id, topic: topics.userDeleted, partitionKey: 'probe', payload }),
        );
      const row = await eventually(
        () => db.selectFrom('outbox').selectAll().where('event_id', '=', envelope.id).executeTakeFirstOrThrow(),
        (r) => r.published_at !== null,
        30_000,
      );
      assert.notEqual(row.published_at, null);
      const processed = await eventually(
        () => db.selectFrom('processed_events').selectAll().where('event_id', '=', envelope.id).execute(),
        (r) => r.length === 1,
        60_000,
      );
      assert.equal(processed.length, 1, 'and the subscriber applied it once');
    } finally {
      await db.destroy();
    }
  });
});
