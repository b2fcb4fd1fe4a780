import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expandReplicas, instanceName, loadTopology, repoRoot } from '../../tools/stack/topology.ts';
import type { TiltResource } from '../../tools/tilt/plan.ts';
import { eventually } from '../harness/stack.ts';
import { tools } from './chart.ts';
import { alive, pieceCameUp, recordedPids, startTilt, tail, tiltOffset, tiltRunDir } from './tilt-run.ts';

const plan = JSON.parse(
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'tools/tilt/plan.ts', '--port-offset', String(tiltOffset), '--run-dir', tiltRunDir],
    { cwd: repoRoot, encoding: 'utf8' },
  ),
) as { profile: string; resources: TiltResource[] };
const apps = loadTopology({ offset: tiltOffset }).apps.flatMap(expandReplicas);

async function ready(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Where setup.sh puts the Go binary for the sources as they are now (keyed by their hash). */
const goBinaryPath = () =>
  execFileSync('bash', ['-c', 'source tools/lib.sh && echo "$SEARCH_BIN"'], { cwd: repoRoot, encoding: 'utf8' }).trim();

/**
 * A Go source changing: the piece must build a binary for the new sources before it starts the
 * app again. The probe is an empty test file, which changes the sources' hash but not the program.
 */
async function assertRebuiltOnChange(output: () => string, app: (typeof apps)[number]): Promise<void> {
  const marker = `[tilt] app:${instanceName(app)} is up`;
  assert.ok(await eventually(() => ready(app.port), Boolean, 120_000), `${app.id} is ready before the change`);
  const before = output().split(marker).length;
  const probe = path.join(repoRoot, app.workspace, `tilt_reload_probe_${tiltOffset}_test.go`);
  writeFileSync(probe, 'package main\n');
  const binary = goBinaryPath();
  try {
    assert.equal(existsSync(binary), false, `no binary for the changed sources yet (${binary})`);
    const restarted = await eventually(
      async () => output().split(marker).length,
      (n) => n > before,
      300_000,
    );
    assert.ok(restarted > before, `${app.id} restarted after the Go change:\n${tail(output())}`);
    assert.ok(existsSync(binary), `built for the changed sources before the start: ${binary}`);
    assert.match(
      output()
        .split(marker)
        .slice(before - 1)
        .join(marker),
      /search service\s+built/,
    );
    assert.ok(await eventually(() => ready(app.port), Boolean, 60_000), `${app.id} is ready again`);
  } finally {
    unlinkSync(probe);
    // The built binary was for a tree that no longer exists: leave the cache as it was.
    rmSync(path.dirname(path.dirname(binary)), { recursive: true, force: true });
  }
}

async function assertNothingLeft(): Promise<void> {
  const left = await eventually(
    async () => recordedPids().filter(alive),
    (pids) => pids.length === 0,
    20_000,
  );
  assert.deepEqual(left, [], 'every process Tilt started is gone');
}

describe('Tilt runs the stack of stack.json', { timeout: 900_000 }, () => {
  before(() => {
    // Tilt is an opt-in build (several minutes cold); cached after the first run.
    const setup = spawnSync('bash', ['tools/setup.sh', '--tilt'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 1_800_000,
    });
    assert.equal(setup.status, 0, `setup --tilt failed:\n${setup.stdout}${setup.stderr}`);
    rmSync(tiltRunDir, { recursive: true, force: true });
  });
  after(() => rmSync(tiltRunDir, { recursive: true, force: true }));

  test('the plan has infrastructure, placement, scheduler and every app instance, nothing twice', () => {
    const names = plan.resources.map((r) => r.name);
    assert.equal(new Set(names).size, names.length);
    for (const name of ['mariadb', 'redis', 'kafka', 's3proxy', 'placement', 'scheduler', ...apps.map(instanceName)]) {
      assert.ok(names.includes(name), `resource ${name}`);
    }
    for (const app of apps) {
      const r = plan.resources.find((x) => x.name === instanceName(app));
      if (app.runtime === 'go') {
        // Its module folder (go.mod, main.go, internal/), not packages/: a Go app imports none of them.
        assert.ok(r?.deps.includes(app.workspace), `${app.id} rebuilds and restarts when its module changes`);
        assert.deepEqual(
          r?.deps.filter((d) => d.startsWith('packages/') || d.startsWith('services/')),
          [app.workspace],
          `${app.id} restarts for its own module only`,
        );
      } else {
        assert.ok(r?.deps.includes(path.join(app.workspace, 'src')), `${app.id} reloads when its code changes`);
      }
      assert.deepEqual(r?.readiness, { http: { port: app.port, path: '/readyz' } });
      assert.deepEqual(r?.labels, ['services']);
    }
  });

  test('with --k8s the Tiltfile deploys the Helm chart instead: a resource per deployed app and the ingress', () => {
    // Evaluates the Tiltfile without a cluster; `tilt up -- --k8s` would apply these manifests.
    const r = spawnSync(tools.tiltBin, ['alpha', 'tiltfile-result', '--', '--k8s'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, TILT_DISABLE_ANALYTICS: '1' },
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { Manifests: { Name: string; Labels?: Record<string, string> }[] };
    const names = result.Manifests.map((m) => m.Name);
    const deployed = [...new Set(apps.map((a) => a.id))].filter((id) => id !== 'skeleton');
    assert.deepEqual(
      names.filter((n) => n !== 'uncategorized').sort(),
      ['soulchat-envoy', ...deployed.map((id) => `soulchat-${id}`)].sort(),
    );
    assert.deepEqual(result.Manifests.find((m) => m.Name === 'soulchat-envoy')?.Labels, { ingress: 'ingress' });
  });

  test('tilt ci brings every resource up healthy, then leaves no process behind', async () => {
    const tilt = startTilt('ci', ['--timeout', '10m']);
    const code = await tilt.exited;
    assert.equal(code, 0, tail(tilt.output()));
    assert.match(tilt.output(), /SUCCESS\. All workloads are healthy\./);
    // Tilt ends `ci` as soon as its readiness probes pass, before the last piece's log line may
    // have streamed: each piece's own `up` marker is the record.
    for (const r of plan.resources) {
      const isApp = apps.some((a) => instanceName(a) === r.name);
      assert.ok(pieceCameUp(isApp ? `app-${r.name}` : r.name), `${r.name} came up`);
    }
    await assertNothingLeft();
  });

  test('tilt up restarts the services when their watched files change, and stops everything on exit', async () => {
    const tilt = startTilt('up', ['--stream']);
    const first = apps[0];
    assert.ok(first);
    try {
      const allReady = await eventually(
        async () => (await Promise.all(apps.map((a) => ready(a.port)))).every(Boolean),
        Boolean,
        300_000,
      );
      assert.ok(allReady, tail(tilt.output()));
      const before = tilt.output().split(`[tilt] app:${instanceName(first)} is up`).length;
      // A file appearing in a watched folder: the profile's components, which every app watches.
      const probe = path.join(repoRoot, 'components', plan.profile, `.tilt-reload-probe-${tiltOffset}`);
      writeFileSync(probe, 'reload');
      unlinkSync(probe);
      const restarted = await eventually(
        async () => tilt.output().split(`[tilt] app:${instanceName(first)} is up`).length,
        (n) => n > before,
        180_000,
      );
      assert.ok(restarted > before, `the app restarted:\n${tail(tilt.output())}`);
      assert.ok(await eventually(() => ready(first.port), Boolean, 60_000), 'and is ready again');
      for (const app of apps.filter((a) => a.runtime === 'go')) await assertRebuiltOnChange(tilt.output, app);
    } finally {
      tilt.child.kill('SIGINT');
      await tilt.exited;
    }
    await assertNothingLeft();
  });
});
