/** Starts tools/bench/relay-server.ts as a child process of its own (its CPU is counted apart). */
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface Relay {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startRelay(): Promise<Relay> {
  const server = path.join(import.meta.dirname, '..', 'relay-server.ts');
  // Its stdin is a pipe from us: when the bench dies, however it dies, the relay sees it close.
  const child = spawn(process.execPath, ['--import', 'tsx', server, '0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`relay-server exited (${code}) before listening`)));
    child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port));
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
