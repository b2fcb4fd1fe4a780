import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadTopology, repoRoot } from '../../tools/stack/topology.ts';
import { eventually, sharedStack, uniqueId } from '../harness/stack.ts';

function parentOf(pid: number): number | undefined {
  try {
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function descendantsOf(root: number): number[] {
  const pids = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
  const found = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const pid of pids) {
      const parent = parentOf(pid);
      if (parent !== undefined && found.has(parent) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  found.delete(root);
  return [...found];
}

const alive = (pid: number) => parentOf(pid) !== undefined;

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 120);
  } catch {
    return '(gone)';
  }
}

const offset = 2000;

function launch(
  runDir: string,
  profile = 'kafka-redis',
): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'tools/stack/cli.ts',
      '--port-offset',
      String(offset),
      '--run-dir',
      runDir,
      '--profile',
      profile,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('press Ctrl-C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`launcher exited (${code}) before ready:\n${output}`)));
  });
  return { child, ready, output: () => output };
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

describe('the launcher', () => {
  const runDir = path.join(sharedStack().runDir, uniqueId('launcher'));
  const leftovers: number[] = [];
  after(() => {
    for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  test('runs the light memory profile, then stops every process on Ctrl-C, leaving no orphans', async () => {
    const { child, ready, output } = launch(`${runDir}-memory`, 'memory');
    await ready;
    const started = descendantsOf(child.pid ?? 0);
    const commands = new Map(started.map((pid) => [pid, commandOf(pid)]));
    leftovers.push(...started);
    // mariadb, placement, scheduler, the skeleton app and its daprd; no Kafka or Redis.
    assert.ok(started.length >= 5, `expected at least 5 processes, saw ${started.length}`);
    const skeletonPort = (loadTopology().apps[0]?.port ?? 0) + offset;
    const readyz = await fetch(`http://127.0.0.1:${skeletonPort}/readyz`);
    assert.equal(readyz.status, 200);
    child.kill('SIGINT');
    await exited(child);
    // tsx's esbuild helper leaves a moment after the launcher itself: allow a short grace.
    const survivors = await eventually(
      async () => started.filter(alive),
      (list) => list.length === 0,
      5_000,
    );
    assert.deepEqual(
      survivors.map((pid) => commands.get(pid)),
      [],
      output(),
    );
  });

  test('says at once which process died and how, and starts it again', async () => {
    const { child, ready, output } = launch(`${runDir}-restart`, 'memory');
    await ready;
    leftovers.push(...descendantsOf(child.pid ?? 0));
    const app = descendantsOf(child.pid ?? 0).find((pid) => commandOf(pid).includes('services/skeleton/src/main.ts'));
    assert.ok(app, 'the skeleton app runs under the launcher');
    const skeletonPort = (loadTopology().apps[0]?.port ?? 0) + offset;
    process.kill(app, 'SIGKILL');
    await eventually(
      async () => output(),
      (text) => /skeleton-app was killed by SIGKILL[\s\S]*restarting skeleton-app in 1s \(attempt 1\)/.test(text),
      10_000,
      'the launcher to report the death',
    );
    const again = await eventually(
      async () => (await fetch(`http://127.0.0.1:${skeletonPort}/readyz`).catch(() => undefined))?.status,
      (status) => status === 200,
      60_000,
      'the restarted app to be ready',
    );
    assert.equal(again, 200);
    const restarted = descendantsOf(child.pid ?? 0).find((pid) =>
      commandOf(pid).includes('services/skeleton/src/main.ts'),
    );
    assert.ok(restarted && restarted !== app, 'a new process');
    leftovers.push(...descendantsOf(child.pid ?? 0));
    child.kill('SIGINT');
    await exited(child);
    assert.doesNotMatch(output(), /restarting (?!skeleton-app)/, 'a deliberate stop restarts nothing');
  });

  test('cleans up after a launcher that was killed hard, on its next start', async () => {
    const first = launch(runDir);
    await first.ready;
    const orphans = descendantsOf(first.child.pid ?? 0);
    leftovers.push(...orphans);
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.ok(orphans.some(alive), 'SIGKILL left the stack running, as expected');
    const second = launch(runDir);
    await second.ready;
    leftovers.push(...descendantsOf(second.child.pid ?? 0));
    const still = await eventually(
      async () => orphans.filter(alive),
      (list) => list.length === 0,
      10_000,
    );
    assert.deepEqual(still, []);
    second.child.kill('SIGINT');
    await exited(second.child);
  });
});
