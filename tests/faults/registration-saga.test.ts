import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AppWithSidecar } from '../../tools/stack/sidecar.ts';
import { defaultRunDir, type Stack, startStack } from '../../tools/stack/stack.ts';
import { registrationInconsistencies, rootQuery } from '../harness/databases.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { eventually } from '../harness/stack.ts';

/**
 * Fault tests stop, kill and pause services, so they run on a stack of their own (its own
 * ports, data and name resolution) with just the user and profile services.
 */
describe('registration saga under faults', () => {
  let stack: Stack;
  let userUrl: string;
  const pair = (id: string) => {
    const found = stack.apps.get(id);
    assert.ok(found, `${id} is running`);
    return found;
  };
  const newName = () => `f_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const register = (name: string, key = randomUUID()) =>
    call<ErrorBody & { user: { id: string } }>(`${userUrl}/register`, {
      body: { username: name, email: `${name}@example.test`, password: 'long enough password' },
      headers: { 'idempotency-key': key },
    });
  /** Registers and, if the saga is still retrying (202), polls until it has an outcome. */
  const registerToTheEnd = async (name: string) => {
    const key = randomUUID();
    const first = await register(name, key);
    if (first.status !== 202) return first;
    return eventually(
      () => call<ErrorBody>(`${userUrl}/registrations/${key}`),
      (r) => r.status !== 202,
      90_000,
    );
  };
  const accounts = (name: string) =>
    rootQuery<{ id: string; status: string }>(stack.info, 'SELECT id, status FROM users.users WHERE username = ?', [
      name,
    ]);

  before(async () => {
    stack = await startStack({
      runDir: path.join(defaultRunDir('test'), `faults-${Date.now().toString(36)}`),
      portOffset: 3000,
      onlyApps: ['user', 'profile'],
    });
    userUrl = `http://127.0.0.1:${pair('user').spec.port}`;
  });
  after(async () => stack?.stop());

  test('with the profile service down, registration fails cleanly and leaves no account', async () => {
    await pair('profile').stop();
    try {
      const name = newName();
      const res = await registerToTheEnd(name);
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.deepEqual(await accounts(name), []);
    } finally {
      await pair('profile').start();
    }
    assert.deepEqual(await registrationInconsistencies(stack.info), []);
  });

  test('with the profile service answering 500, the saga compensates and leaves no account', async () => {
    const real = pair('profile');
    await real.stop();
    const stub = new AppWithSidecar(
      stack.supervisor,
      stack.info,
      { ...real.spec, workspace: 'tests/faults/fixtures', entry: 'failing-profile.ts' },
      { calleeIds: [] },
    );
    await stub.start();
    try {
      const name = newName();
      const res = await registerToTheEnd(name);
      assert.equal(res.status, 503);
      assert.deepEqual(await accounts(name), []);
      const attempts = await call<{ attempts: number }>(`http://127.0.0.1:${real.spec.port}/attempts`);
      assert.ok(attempts.body.attempts >= 1, 'the stub was asked to create the profile');
    } finally {
      await stub.stop();
      await real.start();
    }
    assert.deepEqual(await registrationInconsistencies(stack.info), []);
  });

  for (const part of ['app', 'sidecar'] as const) {
    test(`the user service's ${part} killed between saga steps: the registration completes once after restart`, async () => {
      const name = newName();
      const key = randomUUID();
      const profile = pair('profile');
      const user = pair('user');
      // Hold the saga inside its profile step, with the user already created as pending.
      profile.pause('app', true);
      try {
        const pending = register(name, key).catch((err: Error) => ({ status: 0, error: err.message }));
        const rows = await eventually(
          () => accounts(name),
          (r) => r.length === 1,
          15_000,
        );
        assert.equal(rows[0]?.status, 'pending');
        await user.kill(part);
        if (part === 'app') await user.startApp();
        else await user.startSidecar();
        profile.pause('app', false);
        await pending;
      } finally {
        profile.pause('app', false);
      }
      const done = await eventually(
        () => call<{ status: string; user?: { id: string } }>(`${userUrl}/registrations/${key}`),
        (r) => r.status === 201,
        120_000,
      );
      assert.equal(done.status, 201, JSON.stringify(done.body));
      const rows = await accounts(name);
      assert.deepEqual(
        rows.map((r) => r.status),
        ['active'],
        'exactly one account, active',
      );
      assert.equal(rows[0]?.id, done.body.user?.id);
      const profiles = await rootQuery(stack.info, 'SELECT user_id FROM profiles.profiles WHERE user_id = ?', [
        rows[0]?.id,
      ]);
      assert.equal(profiles.length, 1);
      assert.deepEqual(await registrationInconsistencies(stack.info), []);
    });
  }
});
