import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../tools/stack/topology.ts';

const buf = path.join(repoRoot, 'node_modules/.bin/buf');
// lint and breaking need no plugin; generation goes through tools/generate-contracts.sh, which puts
// protoc-gen-es and the cached protoc-gen-go on PATH.
const env = { ...process.env, PATH: `${path.dirname(buf)}${path.delimiter}${process.env.PATH ?? ''}` };
const run = (args: string[]) => execFileSync(buf, args, { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe', env });

function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(path.relative(dir, full), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

test('the contracts pass buf lint', () => {
  assert.equal(run(['lint', 'proto']), '');
});

test('the contracts make no breaking change against the main branch', (t) => {
  const hasMain = execFileSync('git', ['branch', '--list', 'main'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  if (!hasMain) return t.diagnostic('no local main branch to compare with');
  const mainHasProto = execFileSync('git', ['ls-tree', 'main', 'proto/buf.yaml'], { cwd: repoRoot, encoding: 'utf8' });
  if (!mainHasProto.trim()) return t.diagnostic('main has no contracts yet: nothing to break');
  assert.equal(run(['breaking', 'proto', '--against', '.git#branch=main,subdir=proto']), '');
});

// Both targets of tools/generate-contracts.sh (what `npm run generate -w @soulchat/contracts` runs):
// TypeScript from proto/buf.gen.yaml, Go from proto/buf.gen.go.yaml.
const targets = [
  { language: 'TypeScript', dir: 'packages/contracts/src/gen' },
  { language: 'Go', dir: 'services/search/gen' },
];

test('the generated TypeScript and Go are exactly what the contracts generate', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'contracts-'));
  try {
    execFileSync('bash', [path.join(repoRoot, 'tools/generate-contracts.sh'), out], { cwd: repoRoot, stdio: 'pipe' });
    const regenerate = 'run npm run generate -w @soulchat/contracts and commit the result';
    for (const { language, dir } of targets) {
      const fresh = filesUnder(path.join(out, dir));
      assert.ok(fresh.size > 0, `the ${language} target generated nothing into ${dir}`);
      const committed = existsSync(path.join(repoRoot, dir)) ? filesUnder(path.join(repoRoot, dir)) : new Map();
      assert.deepEqual(
        [...committed.keys()].sort(),
        [...fresh.keys()].sort(),
        `the ${language} files in ${dir} are not the ones the contracts generate: ${regenerate}`,
      );
      for (const [file, text] of fresh)
        assert.equal(committed.get(file), text, `${dir}/${file} is stale: ${regenerate}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
