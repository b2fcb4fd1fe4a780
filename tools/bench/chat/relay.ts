/** Starts tools/bench/relay-server.ts as a child process of its own (its CPU is counted apart). */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export interface Relay {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** A child the bench started, listening on `port`; stop() kills it and waits for it to go. */
export function childServer(child: ChildProcess, port: number): Relay {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    port,
    pid: child.pid ?? 0,
    async stop() {
      child.kill();
      await exited;
    },
  };
}

export async function startRelay(): Promise<Relay> {
  const server = path.join(import.meta.dirname, '..', 'relay-server.ts');
  // Its stdin is a pipe from us: when the bench dies, however it dies, the relay sees it close.
  const child = spawn(process.execPath, ['--import', 'tsx', server, '0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`relay-server exited (${code}) before listening`)));
    child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port));
  });
  return childServer(child, port);
}
