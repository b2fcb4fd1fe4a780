/**
 * Runs a stack on one component profile and suites of this repo against it, as `npm test` does
 * with the default profile: the suites find the stack through SOULCHAT_STACK_INFO.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { killStale } from '../../tools/stack/processes.ts';
import { defaultRunDir, type Stack, startStack } from '../../tools/stack/stack.ts';
import { repoRoot } from '../../tools/stack/topology.ts';

const base = Number(process.env.SOULCHAT_TEST_PORT_OFFSET ?? 1000);
// Offsets checked to share no port with the test stack, the Tilt test (+300), each other, nor
// stacks at offsets 0-3000, 5000 and 6000, and to keep ports below 32768 (see stack.json).
// One profile at a time per file. The media suite starts only s3proxy on its offset.
export const profileOffsets = { suites: base + 150, email: base + 250, media: base + 350 };

export async function startProfileStack(profile: string, offset: number, apps?: string[]): Promise<Stack> {
  const runDir = defaultRunDir(`profile-${profile}-${offset}`);
  // Fresh data on every run (as tools/test-all.ts does), after stopping what a killed run left.
  await killStale(runDir);
  rmSync(runDir, { recursive: true, force: true });
  return startStack({
    runDir,
    portOffset: offset,
    profile,
    ...(apps ? { onlyApps: apps } : {}),
    progress: (m) => console.log(`[${profile}] ${m}`),
  });
}

/** The platform suite (not the launcher test, which starts stacks of its own). */
export const platformSuite = ['invocation', 'state', 'workflow', 'pubsub'].map((n) => `tests/platform/${n}.test.ts`);
export const e2eSuite = 'tests/e2e/registration.test.ts';

export interface SuiteRun {
  code: number | null;
  output: string;
  passed: number;
  failed: number;
}

/** Without the parent runner's marker: node:test would otherwise refuse to run files in the child. */
function suiteEnv(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return env;
}

export function runSuites(stack: Stack, files: string[], namePattern?: string): Promise<SuiteRun> {
  const args = ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=300000'];
  if (namePattern) args.push(`--test-name-pattern=${namePattern}`);
  const child = spawn(process.execPath, [...args, ...files], {
    cwd: repoRoot,
    env: { ...suiteEnv(), SOULCHAT_STACK_INFO: path.join(stack.info.runDir, 'stack-info.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      const count = (label: string) => Number(output.match(new RegExp(`ℹ ${label} (\\d+)`))?.[1] ?? -1);
      resolve({ code, output, passed: count('pass'), failed: count('fail') });
    }),
  );
}
