import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Stack } from '../../tools/stack/stack.ts';
import { rootQuery } from '../harness/databases.ts';
import { assertMediaWorks } from './media-check.ts';
import {
  e2eSuite,
  platformSuite,
  profileOffsets,
  runSuites,
  type SuiteRun,
  startProfileStack,
} from './profile-stack.ts';

// A chosen end-to-end subset: the saga (workflow + invocation + state) and an event published.
const e2eSubset = 'register -> login|user.registered is recorded once';

function assertPassed(what: string, run: SuiteRun, atLeast: number): void {
  const tail = run.output.split('\n').slice(-60).join('\n');
  assert.equal(run.code, 0, `${what} failed:\n${tail}`);
  assert.equal(run.failed, 0, tail);
  assert.ok(run.passed >= atLeast, `${what}: ${run.passed} tests passed, expected ${atLeast}+\n${tail}`);
}

/** Starts the profile's stack, runs the suites on it, checks where the data went, stops it. */
async function verify(
  profile: string,
  suites: { platform: string[]; platformCount: number; e2e: string },
  where: (stack: Stack) => Promise<void>,
): Promise<void> {
  const stack = await startProfileStack(profile, profileOffsets.suites);
  try {
    assert.equal(stack.info.topology.profile, profile);
    assertPassed(`${profile}: platform suite`, await runSuites(stack, suites.platform), suites.platformCount);
    assertPassed(`${profile}: end-to-end subset`, await runSuites(stack, [e2eSuite], suites.e2e), 1);
    await where(stack);
  } finally {
    await stack.stop();
  }
}

const everything = { platform: platformSuite, platformCount: 13, e2e: e2eSubset };
const redisCli = (stack: Stack, ...args: string[]) =>
  execFileSync('redis-cli', ['-p', String(stack.info.topology.infrastructure.redis.port), ...args], {
    encoding: 'utf8',
  });

describe('component profiles: the platform suite and an end-to-end subset on each', { timeout: 1_800_000 }, () => {
  test('redis: pub/sub on Redis Streams, state on Redis', async () => {
    await verify('redis', everything, async (stack) => {
      assert.equal(stack.supervisor.get('kafka'), undefined, 'no Kafka in this profile');
      // Dapr's Redis pub/sub keeps each topic in a stream named after it.
      assert.equal(redisCli(stack, 'TYPE', 'user.registered').trim(), 'stream');
    });
  });

  test('kafka-mysql: state and workflows in MariaDB, through its own user', async () => {
    await verify('kafka-mysql', everything, async (stack) => {
      assert.equal(stack.supervisor.get('redis'), undefined, 'no Redis in this profile');
      const [row] = await rootQuery<{ n: number }>(stack.info, 'SELECT COUNT(*) AS n FROM dapr_state.state');
      assert.ok((row?.n ?? 0) > 0, 'state rows in dapr_state.state');
      const grants = await rootQuery<Record<string, string>>(
        stack.info,
        "SHOW GRANTS FOR 'dapr_state_svc'@'127.0.0.1'",
      );
      assert.ok(JSON.stringify(grants).includes('`dapr_state`.*'), 'granted on its own database only');
    });
  });

  test('kafka-sqlite: state and workflows in one SQLite file under the run dir', async () => {
    await verify('kafka-sqlite', everything, async (stack) => {
      assert.equal(stack.supervisor.get('redis'), undefined, 'no Redis in this profile');
      const file = path.join(stack.info.runDir, 'statestore.db');
      assert.ok(existsSync(file) && statSync(file).size > 0, `${file} holds the state`);
    });
  });

  test('memory: in-memory pub/sub and state (pub/sub stays inside one sidecar); media in a folder', async () => {
    // Cross-sidecar pub/sub cannot work in memory, so its tests and the event test are left out.
    const suites = {
      platform: platformSuite.filter((f) => !f.includes('pubsub')),
      platformCount: 10,
      e2e: 'register -> login',
    };
    await verify('memory', suites, async (stack) => {
      for (const name of ['kafka', 'redis', 's3proxy'])
        assert.equal(stack.supervisor.get(name), undefined, `no ${name}`);
      // bindings.localstorage (components/memory/media-localstorage.yaml): a folder of the run dir.
      await assertMediaWorks(stack, (key) => path.join(stack.info.runDir, 'media-objects', key));
    });
  });
});
