/** Runs Tilt against an offset copy of the stack for the Tilt tests, and checks what it left. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../tools/stack/topology.ts';
import { tools } from './chart.ts';

// Beside the test stack (SOULCHAT_TEST_PORT_OFFSET) and the profile stacks (+150, +250): offsets
// checked to share no port with each other nor with stacks at offsets 0-3000, 5000 and 6000, and
// to keep every port below 32768 (see stack.json) for test offsets up to 6000.
export const tiltOffset = Number(process.env.SOULCHAT_TEST_PORT_OFFSET ?? 1000) + 300;
export const tiltRunDir = path.join(repoRoot, '.run', `tilt-test-${tiltOffset}`);
// Tilt's own API and web port, unique per offset.
export const tiltPort = 10350 + tiltOffset;
export const launcherArgs = ['--', '--port-offset', String(tiltOffset), '--run-dir', tiltRunDir];

export interface TiltProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startTilt(command: 'ci' | 'up', extra: string[] = []): TiltProcess {
  const child = spawn(tools.tiltBin, [command, '--port', String(tiltPort), ...extra, ...launcherArgs], {
    cwd: repoRoot,
    env: { ...process.env, TILT_DISABLE_ANALYTICS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Pids of every process Tilt's pieces started and recorded (tools/tilt/piece.ts). */
export function recordedPids(): number[] {
  const pieces = path.join(tiltRunDir, 'pieces');
  if (!existsSync(pieces)) return [];
  return readdirSync(pieces).flatMap((p) => {
    const file = path.join(pieces, p, 'pids.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as number[]) : [];
  });
}

/** Whether a piece wrote its `up` marker (tools/tilt/piece.ts) in this run. */
export function pieceCameUp(resource: string): boolean {
  return existsSync(path.join(tiltRunDir, 'pieces', resource, 'up'));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const tail = (text: string, lines = 40) => text.split('\n').slice(-lines).join('\n');
