import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface Running {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** How it was started: restarting runs the same again. */
  spec: ProcessSpec;
}

/** A process that ended without being asked to: its exit code, or the signal that ended it. */
export type UnexpectedExit = (entry: Running, code: number | null, signal: NodeJS.Signals | null) => void;

const pidFileName = 'pids.json';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts processes in their own process groups with one log file each, and stops every one
 * of them (children included) on stop(). Pids are recorded so a later run can clean up after
 * a launcher that was killed with SIGKILL.
 */
export class Supervisor {
  private readonly running = new Map<string, Running>();
  /** Processes being stopped on purpose: their exit is no news. */
  private readonly stopping = new Set<string>();
  /** Told when a process exits that nobody stopped (the launcher reports and restarts it). */
  onUnexpectedExit: UnexpectedExit | undefined;
  constructor(readonly runDir: string) {
    mkdirSync(path.join(runDir, 'logs'), { recursive: true });
  }

  get logDir(): string {
    return path.join(this.runDir, 'logs');
  }

  start(spec: ProcessSpec): Running {
    const logFile = path.join(this.logDir, `${spec.name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Two sources share one file: neither may end it, or the other's next write crashes us.
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('close', () => log.end());
    log.on('error', () => {});
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(-1));
    });
    const entry: Running = { name: spec.name, child, logFile, exited, spec };
    child.once('exit', (code, signal) => {
      if (!this.stopping.has(spec.name) && this.running.get(spec.name) === entry)
        this.onUnexpectedExit?.(entry, code, signal);
    });
    this.running.set(spec.name, entry);
    this.recordPids();
    return entry;
  }

  get(name: string): Running | undefined {
    return this.running.get(name);
  }

  /** Starts a process again as it was first started (after it died). */
  restart(name: string): Running | undefined {
    const entry = this.running.get(name);
    return entry ? this.start(entry.spec) : undefined;
  }

  /** SIGTERM to the whole group, then SIGKILL after `graceMs`. */
  async stop(name: string, graceMs = 8000): Promise<void> {
    const entry = this.running.get(name);
    if (!entry?.child.pid) return;
    const pid = entry.child.pid;
    this.stopping.add(name);
    try {
      if (entry.child.exitCode === null && entry.child.signalCode === null) {
        signalGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
        await entry.exited;
        clearTimeout(timer);
      }
      // The leader may exit before its children (npm, java wrappers): sweep the group.
      signalGroup(pid, 'SIGKILL');
    } finally {
      this.stopping.delete(name);
    }
    if (this.running.get(name) === entry) this.running.delete(name);
    this.recordPids();
  }

  /** Stops in reverse start order: apps before sidecars before infrastructure. */
  async stopAll(): Promise<void> {
    for (const name of [...this.running.keys()].reverse()) await this.stop(name);
  }

  private recordPids(): void {
    const pids = [...this.running.values()].map((r) => r.child.pid).filter((p): p is number => p !== undefined);
    writeFileSync(path.join(this.runDir, pidFileName), JSON.stringify(pids));
  }
}

/**
 * Kills process groups left behind by an earlier launcher of this run dir that died hard, and
 * waits until they are gone, so their ports are free again.
 */
export async function killStale(runDir: string): Promise<number> {
  const file = path.join(runDir, pidFileName);
  if (!existsSync(file)) return 0;
  const pids = JSON.parse(readFileSync(file, 'utf8')) as number[];
  const stale = pids.filter(alive);
  for (const pid of stale) signalGroup(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (stale.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  writeFileSync(file, '[]');
  return stale.length;
}

export function tailOf(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}
