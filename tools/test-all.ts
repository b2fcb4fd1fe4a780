/**
 * `npm test`: starts one stack for the whole run (its own ports and run dir, so it can run
 * beside `npm start`), runs every suite with node's test runner against it, stops it.
 */
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { killStale } from './stack/processes.ts';
import { defaultRunDir, startStack } from './stack/stack.ts';
import { repoRoot } from './stack/topology.ts';

const roots = ['packages', 'services', 'tests', 'tools'];

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return findTests(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const filter = process.argv.slice(2);
// tests/images checks built images: npm run test:images builds them and runs it (and CI does).
const imagesBuilt = Boolean(process.env.SOULCHAT_APP_IMAGES);
const files = roots
  .flatMap((r) => findTests(path.join(repoRoot, r)))
  .filter((f) => imagesBuilt || !f.startsWith(path.join(repoRoot, 'tests/images')))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .map((f) => path.relative(repoRoot, f))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// Every app of every test stack (the shared one and the fault suites' own) checks its answers
// against the output schemas its OpenAPI document promises, so all suites test the documents too.
process.env.CHECK_RESPONSES ??= 'true';

// SOULCHAT_TEST_PORT_OFFSET lets two test runs (two checkouts, say) share one machine.
const portOffset = Number(process.env.SOULCHAT_TEST_PORT_OFFSET ?? 1000);
const runDir = defaultRunDir(portOffset === 1000 ? 'test' : `test-${portOffset}`);
// A run that died hard leaves its processes; stop them before their data is removed.
await killStale(runDir);
rmSync(runDir, { recursive: true, force: true });
const started = Date.now();
// SOULCHAT_TEST_APPS=skeleton,profile starts only those apps (for work on one service).
const onlyApps = process.env.SOULCHAT_TEST_APPS?.split(',').filter(Boolean);
const stack = await startStack({
  runDir,
  portOffset,
  ...(onlyApps ? { onlyApps } : {}),
  // Traces and metrics of the whole run; SOULCHAT_TEST_OBSERVABILITY=0 leaves Jaeger and Prometheus out.
  observability: process.env.SOULCHAT_TEST_OBSERVABILITY !== '0',
  progress: (m) => console.log(`[test-stack] ${m}`),
});
console.log(`[test-stack] ready in ${((Date.now() - started) / 1000).toFixed(1)}s; logs in ${stack.supervisor.logDir}`);

const runner = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', '--test-timeout=600000', ...files],
  {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, SOULCHAT_STACK_INFO: path.join(runDir, 'stack-info.json') },
  },
);
const stopAndExit = async (code: number) => {
  await stack.stop();
  process.exit(code);
};
process.on('SIGINT', () => runner.kill('SIGINT'));
process.on('SIGTERM', () => runner.kill('SIGTERM'));
runner.on('exit', (code) => void stopAndExit(code ?? 1));
