import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkflowState } from '@dapr/dapr';
import { AppError } from '@soulchat/platform';
import { readRegistrationState } from '../src/use-cases/register.ts';

/** A workflow client whose state reads fail `failures` times, then answer `state`. */
function flakyWorkflows(failures: number, state: WorkflowState | undefined) {
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    async getWorkflowState(): Promise<WorkflowState | undefined> {
      reads += 1;
      if (reads <= failures) throw new Error('2 UNKNOWN: inbox key declared in metadata but missing from state store');
      return state;
    },
  };
}

test('a state read that fails once, as Dapr workflow reads racing a save do, is read again', async () => {
  const state = { serializedOutput: '{"status":"failed"}' } as WorkflowState;
  const workflows = flakyWorkflows(1, state);
  assert.equal(await readRegistrationState(workflows, 'r1'), state);
  assert.equal(workflows.reads, 2);
});

test('a state read that keeps failing is a 503 with Retry-After, not a 500', async () => {
  const workflows = flakyWorkflows(10, undefined);
  await assert.rejects(readRegistrationState(workflows, 'r2'), (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.status, 503);
    assert.equal(err.headers['retry-after'], '1');
    return true;
  });
  assert.equal(workflows.reads, 3);
});
