import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { components, createDaprClient, EtagMismatchError } from '@soulchat/platform';
import { eventually, sharedStack, uniqueId } from '../harness/stack.ts';

function sidecar() {
  const app = sharedStack().apps.find((a) => a.id === 'skeleton');
  assert.ok(app, 'the shared stack runs the skeleton app');
  return createDaprClient({ httpPort: app.daprHttpPort, apiToken: app.daprApiToken });
}

describe('Redis state store through the sidecar', () => {
  const store = components.state;

  test('saves, reads back and deletes a value', async () => {
    const dapr = sidecar();
    const key = uniqueId('state');
    await dapr.saveState(store, [{ key, value: { n: 1, s: 'x' } }]);
    assert.deepEqual((await dapr.getState(store, key))?.value, { n: 1, s: 'x' });
    await dapr.deleteState(store, key);
    assert.equal(await dapr.getState(store, key), undefined);
  });

  test('first write wins: a save with a stale ETag is refused and the newer value kept', async () => {
    const dapr = sidecar();
    const key = uniqueId('etag');
    await dapr.saveState(store, [{ key, value: 'v1' }]);
    const read = await dapr.getState<string>(store, key);
    assert.ok(read?.etag, 'the read carries an ETag');
    await dapr.saveState(store, [{ key, value: 'v2', etag: read.etag, firstWrite: true }]);
    await assert.rejects(
      dapr.saveState(store, [{ key, value: 'v3', etag: read.etag, firstWrite: true }]),
      EtagMismatchError,
    );
    assert.equal((await dapr.getState<string>(store, key))?.value, 'v2');
  });

  test('a value saved with a TTL expires', async () => {
    const dapr = sidecar();
    const key = uniqueId('ttl');
    await dapr.saveState(store, [{ key, value: 'short-lived', ttlSeconds: 1 }]);
    assert.equal((await dapr.getState<string>(store, key))?.value, 'short-lived');
    const gone = await eventually(
      () => dapr.getState<string>(store, key),
      (v) => v === undefined,
      10_000,
    );
    assert.equal(gone, undefined);
  });
});
