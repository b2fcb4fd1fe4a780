import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, startTestApp, type TestApp, uniqueId } from '../harness/stack.ts';

const probe = { workspace: 'tests/platform/fixtures', entry: 'probe-app.ts' };

interface Relayed {
  status: number;
  body: { word?: string; from?: string; caller?: string; error?: { code: string; message: string } };
  elapsedMs: number;
}

describe('service invocation between two Koa apps through their sidecars', () => {
  const callerId = uniqueId('inv-caller');
  const calleeId = uniqueId('inv-callee');
  let caller: TestApp;
  let callee: TestApp;

  before(async () => {
    callee = await startTestApp(calleeId, probe);
    caller = await startTestApp(callerId, { ...probe, calleeIds: [calleeId], env: { PEER_APP_ID: calleeId } });
  });
  after(async () => {
    await caller?.stop();
    await callee?.stop();
  });

  test('a call reaches the other app, which sees who called', async () => {
    const { body } = await getJson<Relayed>(caller.url('/relay?path=echo/hello'));
    assert.equal(body.status, 200);
    assert.deepEqual(body.body, { word: 'hello', from: calleeId, caller: callerId });
  });

  test('a 4xx from the callee comes back with its status and JSON body intact', async () => {
    const { body } = await getJson<Relayed>(caller.url('/relay?path=teapot'));
    assert.equal(body.status, 409);
    assert.deepEqual(body.body, { error: { code: 'CONFLICT', message: 'the probe refuses on purpose' } });
  });

  test('a callee slower than the resiliency timeout is cut off with an error, not awaited', async () => {
    const { body } = await getJson<Relayed>(caller.url(`/relay?path=${encodeURIComponent('slow?ms=40000')}`));
    console.log(`slow call ended after ${body.elapsedMs}ms with ${body.status}`);
    assert.ok(body.status >= 500, `expected a 5xx from the timed-out call, got ${body.status}`);
    // The invoke policy times out each attempt at 5s (3 attempts); without it the call would take 40s.
    assert.ok(body.elapsedMs >= 4500 && body.elapsedMs < 30_000, `took ${body.elapsedMs}ms`);
  });

  test('the app refuses Dapr-facing routes called without the app token', async () => {
    const { status, body } = await getJson<{ error: { code: string } }>(callee.url('/echo/direct'));
    assert.equal(status, 401);
    assert.equal(body.error.code, 'UNAUTHORIZED');
  });
});
