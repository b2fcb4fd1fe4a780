import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const repo = path.join(import.meta.dirname, '..');
const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });

const entryPoints = ['tools/stack/cli.ts', 'tools/outbox.ts', 'tools/tilt/plan.ts'];

test('every command-line entry point answers --help with its usage', () => {
  for (const script of entryPoints) {
    const help = run(script, '--help');
    assert.equal(help.status, 0, `${script}: ${help.stderr}`);
    assert.match(help.stdout, /^usage: /m, script);
  }
});

test('an unknown option prints what is wrong and the usage, exit 2, no stack trace', () => {
  for (const script of [...entryPoints, 'tools/bench/run.ts']) {
    const wrong = run(script, '--no-such-option');
    assert.equal(wrong.status, 2, `${script}: ${wrong.stdout}${wrong.stderr}`);
    assert.match(wrong.stderr, /usage: /, script);
    assert.doesNotMatch(wrong.stderr, /^\s+at .+:\d+:\d+\)?$/m, `${script} printed a stack trace`);
  }
});

test('npm run helm and npm run tilt reach the pinned binaries; an unknown tool is refused', () => {
  const tool = (...args: string[]) =>
    spawnSync('bash', ['tools/run-tool.sh', ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  const helm = tool('helm', 'version', '--short');
  assert.equal(helm.status, 0, helm.stderr);
  assert.match(helm.stdout, /^v3\./);
  const unknown = tool('kubectl');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /known: tilt, helm/);
});
