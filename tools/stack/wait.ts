import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Running, tailOf } from './processes.ts';

export class StartupError extends Error {
  override name = 'StartupError';
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/**
 * Polls `probe` until it succeeds; fails early when the process exits and names its log.
 * Readiness is always polled, never slept for.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs?: number; process?: Running } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let exited = false;
  void options.process?.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (await probe()) return;
    if (exited && options.process) {
      throw new StartupError(
        `${what} exited during start-up; log ${options.process.logFile}:\n${tailOf(options.process.logFile)}`,
      );
    }
    await sleep(200);
  }
  const log = options.process ? `; log ${options.process.logFile}:\n${tailOf(options.process.logFile)}` : '';
  throw new StartupError(`${what} was not ready within ${options.timeoutMs ?? 60_000}ms${log}`);
}

export const waitForPort = (what: string, port: number, options: Parameters<typeof waitUntil>[2] = {}) =>
  waitUntil(`${what} (port ${port})`, () => portOpen(port), options);

export const waitForHttp = (what: string, url: string, options: Parameters<typeof waitUntil>[2] = {}) =>
  waitUntil(`${what} (${url})`, () => httpOk(url), options);

export { portOpen };
