import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Supervisor } from '../../tools/stack/processes.ts';
import { AppWithSidecar, type RunningApp, type StackInfo } from '../../tools/stack/sidecar.ts';
import type { AppSpec } from '../../tools/stack/topology.ts';

/** The stack that tools/test-all.ts started for this run; suites share it. */
export function sharedStack(): StackInfo {
  const file = process.env.SOULCHAT_STACK_INFO;
  if (!file) throw new Error('SOULCHAT_STACK_INFO is not set: run the suites through `npm test`');
  return JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** `count` distinct free ports: held open together while chosen, so none is handed out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export const uniqueId = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export interface TestApp {
  app: RunningApp;
  pair: AppWithSidecar;
  url: (p: string) => string;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  workspace: string;
  entry: string;
  calleeIds?: string[];
  env?: Record<string, string>;
  /**
   * Its process and resource-folder name when the id is one the stack runs already (a second
   * instance of a stack app): the stack's own instance keeps its files (daprd hot-reloads them).
   */
  instance?: string;
}

/** Starts an app of the test's own with its own daprd, on the shared infrastructure. */
export async function startTestApp(id: string, options: TestAppOptions): Promise<TestApp> {
  const info = sharedStack();
  const [port = 0, httpPort = 0, grpcPort = 0, internalGrpcPort = 0, metricsPort = 0] = await freePorts(5);
  const spec: AppSpec = {
    id,
    workspace: options.workspace,
    entry: options.entry,
    replicas: 1,
    ...(options.instance ? { instance: options.instance } : {}),
    env: {},
    // Not in stack.json: its sidecar keeps Dapr's allow-all (tools/stack/access-control.ts).
    callers: {},
    port,
    dapr: { httpPort, grpcPort, internalGrpcPort, metricsPort },
  };
  const supervisor = new Supervisor(path.join(info.runDir, 'tests', options.instance ?? id));
  const pair = new AppWithSidecar(supervisor, info, spec, {
    calleeIds: options.calleeIds ?? [],
    ...(options.env ? { env: options.env } : {}),
  });
  const app = await pair.start().catch(async (err: unknown) => {
    await supervisor.stopAll();
    throw err;
  });
  return { app, pair, url: (p) => `http://127.0.0.1:${spec.port}${p}`, stop: () => supervisor.stopAll() };
}

/**
 * Polls `read` until `done` holds for its result, and returns that result. Fails (throws) when
 * it does not hold within `timeoutMs`, saying what was awaited and what was last seen.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() >= deadline) {
      const seen = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen.slice(0, 500)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export const postJson = <T>(url: string, body: unknown) =>
  getJson<T>(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The base URL of one app instance of the shared stack (`user`, `chat-2`, ...). */
export function appUrl(instance: string, info: StackInfo = sharedStack()): string {
  const app = info.apps.find((a) => a.instance === instance);
  if (!app) throw new Error(`the stack runs no ${instance}`);
  return `http://127.0.0.1:${app.port}`;
}
