/** Where and on what a run happened, and the history file every full run appends to. */
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
export const historyFile = path.join(repoRoot, 'tools', 'bench', 'history.jsonl');
export const chartFile = path.join(repoRoot, 'tools', 'bench', 'chat.svg');

const git = (...args: string[]) => {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

export function runContext() {
  return {
    date: new Date().toISOString(),
    commit: git('rev-parse', '--short=12', 'HEAD'),
    // The bench measures the working tree: say when the code under test differs from the commit.
    uncommittedServiceChanges: git('status', '--porcelain', '--', 'services', 'packages') !== '',
    machine: {
      cores: os.cpus().length,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    },
  };
}

export function appendHistory(line: string): void {
  appendFileSync(historyFile, `${line}\n`);
}
