import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually, getJson, postJson, startTestApp, type TestApp, uniqueId } from '../harness/stack.ts';

const probe = { workspace: 'tests/platform/fixtures', entry: 'probe-app.ts' };
// WorkflowRuntimeStatus from the SDK.
const COMPLETED = 1;

interface WorkflowStatus {
  status: number;
  output: string | null;
}

describe('Dapr Workflow from the JS SDK', () => {
  let app: TestApp;
  const status = async (id: string) => (await getJson<WorkflowStatus>(app.url(`/workflows/${id}`))).body;
  const ledger = async (id: string) => (await getJson<string[]>(app.url(`/ledger/${id}`))).body;
  const finished = (s: WorkflowStatus) => s.status === COMPLETED || s.status === 3;

  before(async () => {
    app = await startTestApp(uniqueId('wf'), probe);
  });
  after(async () => app?.stop());

  test('runs every activity of a workflow that succeeds', async () => {
    const id = uniqueId('transfer-ok');
    await postJson(app.url('/workflows/transfer'), { id, failCredit: false });
    const done = await eventually(() => status(id), finished, 60_000);
    assert.deepEqual(done, { status: COMPLETED, output: JSON.stringify('completed') });
    assert.deepEqual(await ledger(id), ['debit', 'credit']);
  });

  test('compensates the first step when the second activity fails', async () => {
    const id = uniqueId('transfer-fail');
    await postJson(app.url('/workflows/transfer'), { id, failCredit: true });
    const done = await eventually(() => status(id), finished, 60_000);
    assert.deepEqual(done, { status: COMPLETED, output: JSON.stringify('compensated') });
    assert.deepEqual(await ledger(id), ['debit', 'refund']);
  });

  test('survives a kill -9 of its app process and completes after the restart', async () => {
    const id = uniqueId('patient');
    await postJson(app.url('/workflows/patient'), { id, waitMs: 4000 });
    const before = await eventually(
      () => ledger(id),
      (l) => l.length === 1,
      30_000,
    );
    assert.match(before[0] ?? '', /^before:/);
    await app.pair.kill('app');
    await app.pair.startApp();
    const done = await eventually(() => status(id), finished, 90_000);
    assert.deepEqual(done, { status: COMPLETED, output: JSON.stringify('done') });
    const entries = await ledger(id);
    // Activities run at least once: the first step may run again in the new process if its
    // result had not reached the sidecar when the old one died. The second runs once, after.
    const steps = entries.map((e) => e.split(':'));
    assert.deepEqual(steps.at(-1)?.[0], 'after');
    assert.equal(steps.filter(([step]) => step === 'after').length, 1);
    assert.ok(steps.slice(0, -1).every(([step]) => step === 'before'));
    assert.notEqual(steps.at(-1)?.[2], steps[0]?.[2], 'the second step ran in the restarted process');
  });
});
