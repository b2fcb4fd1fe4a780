/**
 * CPU seconds and resident memory of the processes that matter, read from /proc. A stack's
 * launcher records the process groups it started in `<run dir>/pids.json` (tools/stack/
 * processes.ts starts each in a group of its own), so the stack's processes, their children
 * and all their threads are found from the run dir alone: the CLI and the smoke test (which
 * only knows the shared stack's run dir) read them the same way.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type ProcessKind =
  | 'nodeApps'
  | 'daprd'
  | 'kafka'
  | 'mariadb'
  | 'envoy'
  | 'redis'
  | 'controlPlane'
  | 'observability'
  | 'other'
  | 'loadGenerator'
  | 'relay';

export interface Watched {
  pid: number;
  /** The launcher's name for it (`chat-1-app`, `chat-1-daprd`, `kafka`, ...). */
  name: string;
  kind: ProcessKind;
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const pageBytes = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] is field 3. */
function statFields(pid: number): string[] {
  const stat = read(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

const environ = (pid: number, key: string) =>
  read(`/proc/${pid}/environ`)
    .split('\0')
    .find((e) => e.startsWith(`${key}=`))
    ?.slice(key.length + 1);

/** The launcher sets INSTANCE_NAME on each app and POD_NAME on each sidecar. */
function nameOf(pid: number): string {
  const comm = read(`/proc/${pid}/comm`).trim();
  if (comm === 'node' || comm.startsWith('node')) {
    const instance = environ(pid, 'INSTANCE_NAME');
    return instance ? `${instance}-app` : path.basename(read(`/proc/${pid}/cmdline`).split('\0').at(-2) ?? 'node');
  }
  if (comm === 'daprd') return `${environ(pid, 'POD_NAME') ?? 'unknown'}-daprd`;
  // An app in another language (the Go search service) is named by its instance too.
  const app = environ(pid, 'INSTANCE_NAME');
  if (app) return `${app}-app`;
  if (comm === 'java' && read(`/proc/${pid}/cmdline`).includes('kafka.Kafka')) return 'kafka';
  if (comm === 'java' && read(`/proc/${pid}/cmdline`).includes('org.gaul.s3proxy')) return 's3proxy';
  const renamed: Record<string, string> = { mariadbd: 'mariadb', 'redis-server': 'redis' };
  return renamed[comm] ?? comm;
}

export function kindOf(name: string): ProcessKind {
  if (name.endsWith('-app')) return 'nodeApps';
  if (name.endsWith('-daprd')) return 'daprd';
  if (['placement', 'scheduler', 'sentry'].includes(name)) return 'controlPlane';
  if (['jaeger', 'prometheus'].includes(name)) return 'observability';
  if (name === 'kafka' || name === 'mariadb' || name === 'envoy' || name === 'redis') return name;
  return 'other';
}

/** Every process in the process groups the stack's launcher started, named by group leader. */
export function stackProcesses(runDir: string): Watched[] {
  const leaders = new Set(JSON.parse(read(path.join(runDir, 'pids.json')) || '[]') as number[]);
  const names = new Map([...leaders].map((pid) => [pid, nameOf(pid)]));
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .flatMap((pid) => {
      const group = Number(statFields(pid)[2]);
      const name = names.get(group);
      return name ? [{ pid, name, kind: kindOf(name) }] : [];
    });
}

export const ownProcess = (): Watched => ({ pid: process.pid, name: 'load-generator', kind: 'loadGenerator' });

/** utime + stime of all threads of `pid`, in seconds (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / clockTicks || 0;
}

export function rssBytes(pid: number): number {
  return Number(read(`/proc/${pid}/statm`).split(' ')[1] ?? 0) * pageBytes;
}

/** The soft limit on open files of `pid`, and how many it has open now. */
export function fileDescriptors(pid: number): { limit: number; open: number } {
  const line = read(`/proc/${pid}/limits`)
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const limit = Number(line?.split(/\s{2,}/)[1] ?? 0);
  let open = 0;
  try {
    open = readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    // Gone, or not ours to read.
  }
  return { limit, open };
}
