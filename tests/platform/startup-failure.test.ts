import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp, uniqueId } from '../harness/stack.ts';

test('an app that dies while starting is reported with its exit code and log, not a sidecar timeout', async () => {
  await assert.rejects(
    startTestApp(uniqueId('broken'), { workspace: 'tests/platform/fixtures', entry: 'broken-app.ts' }),
    (err: Error) => {
      assert.match(err.message, /-app exited \(3\) during start-up/);
      assert.match(err.message, /broken on purpose/);
      return true;
    },
  );
});
