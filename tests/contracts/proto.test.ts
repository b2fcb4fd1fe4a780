import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../tools/stack/topology.ts';

const buf = path.join(repoRoot, 'node_modules/.bin/buf');
// buf finds protoc-gen-es on PATH, as it would under an npm script.
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

test('the generated TypeScript is exactly what the contracts generate', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'contracts-'));
  try {
    run(['generate', 'proto', '--template', 'proto/buf.gen.yaml', '--output', out]);
    const fresh = filesUnder(path.join(out, 'src/gen'));
    const committed = filesUnder(path.join(repoRoot, 'packages/contracts/src/gen'));
    assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort());
    for (const [file, text] of fresh)
      assert.equal(committed.get(file), text, `${file} is stale: run npm run generate -w @soulchat/contracts`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
