import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { StackInfo } from '../../tools/stack/sidecar.ts';
import { rootQuery } from './databases.ts';
import { eventually } from './stack.ts';

/**
 * Publishes a hand-made event through the sidecar of `instance` (the skeleton app in the shared
 * stack) to the `pubsub` component, on the partition of `partitionKey`: events with one key are
 * consumed in order, so a later one is a barrier for the earlier ones. Returns its envelope id.
 */
export async function publishTestEvent(
  info: StackInfo,
  instance: string,
  topic: string,
  partitionKey: string,
  fields: Record<string, unknown>,
  envelope: { id?: string; occurredAt?: Date } = {},
): Promise<string> {
  const app = info.apps.find((a) => a.instance === instance);
  assert.ok(app, `${instance} runs in this stack`);
  const id = envelope.id ?? `test-${randomUUID()}`;
  const occurredAt = (envelope.occurredAt ?? new Date()).toISOString();
  const url = `http://127.0.0.1:${app.daprHttpPort}/v1.0/publish/pubsub/${topic}?metadata.partitionKey=${encodeURIComponent(partitionKey)}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'dapr-api-token': app.daprApiToken },
    body: JSON.stringify({ envelope: { id, type: topic, source: 'test', occurredAt }, ...fields }),
  });
  assert.equal(res.status, 204, `publish ${topic}: ${res.status} ${await res.text()}`);
  return id;
}

/** Waits until the service owning `database` has applied the event (its dedupe record exists). */
export async function eventApplied(info: StackInfo, database: string, eventId: string, timeoutMs = 60_000) {
  await eventually(
    () => rootQuery(info, `SELECT 1 FROM \`${database}\`.processed_events WHERE event_id = ?`, [eventId]),
    (rows) => rows.length === 1,
    timeoutMs,
    `${database} to apply event ${eventId}`,
  );
}

/** Waits until the owner of `database` has applied the message.created event of this message. */
export async function messageEventApplied(info: StackInfo, database: string, messageId: string) {
  const rows = await eventually(
    () =>
      rootQuery<{ event_id: string }>(
        info,
        "SELECT event_id FROM chat.outbox WHERE topic = 'message.created' AND JSON_VALUE(payload, '$.messageId') = ?",
        [messageId],
      ),
    (found) => found.length === 1,
    30_000,
    `the message.created event of ${messageId} in chat's outbox`,
  );
  await eventApplied(info, database, rows[0]?.event_id ?? '');
}
