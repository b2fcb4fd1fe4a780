/**
 * The search service's Go unit tests (`go test ./...` in services/search), run by `npm test`:
 * each Go test becomes a test here, so the run's totals count them and a failure shows its output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../tools/stack/topology.ts';

interface GoEvent {
  Action: string;
  Package: string;
  Test?: string;
  Output?: string;
}

const run = spawnSync('go', ['test', '-json', '-count=1', './...'], {
  cwd: path.join(repoRoot, 'services/search'),
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  timeout: 10 * 60_000,
});
const events: GoEvent[] = run.stdout
  .split('\n')
  .filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line) as GoEvent);
const output = new Map<string, string>();
for (const e of events) if (e.Test && e.Output) output.set(e.Test, (output.get(e.Test) ?? '') + e.Output);
const results = events.filter((e) => e.Test && !e.Test.includes('/') && ['pass', 'fail'].includes(e.Action));

test('go test ran and compiled every package', () => {
  assert.equal(run.error, undefined, String(run.error));
  const buildFailures = events.filter((e) => !e.Test && e.Action === 'fail');
  assert.deepEqual(buildFailures, [], `${run.stderr}\n${run.stdout.slice(-4000)}`);
  assert.ok(results.length >= 10, `only ${results.length} Go tests reported`);
});

for (const r of results) {
  test(`go: ${r.Package.replace('soulchat/search/', '')} ${r.Test}`, () => {
    assert.equal(r.Action, 'pass', output.get(r.Test ?? ''));
  });
}
