/**
 * Requests through the Envoy ingress of the shared test stack. Raw node:http rather than fetch:
 * fetch would normalise `..` out of a path, and we choose the source address (127.0.0.x), so a
 * test can be "another client" for per-client rate limits while still talking to 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { eventually, sharedStack } from '../harness/stack.ts';

const stack = sharedStack();
assert.ok(stack.ingress, 'the shared stack runs the Envoy ingress');
export const ingress = stack.ingress;
export const topology = stack.topology;
const base = new URL(ingress.url);

export interface EdgeReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: <T>() => T;
}

export interface EdgeRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  token?: string;
  /** The client's source address, any of 127.0.0.0/8; the destination stays 127.0.0.1. */
  from?: string;
}

export function edge(path: string, options: EdgeRequest = {}): Promise<EdgeReply> {
  const headers: Record<string, string> = { ...options.headers };
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  // node:http sends a DELETE body with neither length nor chunking (so it is lost) unless told its length.
  if (body !== undefined) headers['content-length'] ??= String(Buffer.byteLength(body));
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ...(options.from ? { localAddress: options.from } : {}),
        timeout: 30_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path} took over 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export interface Person {
  id: string;
  username: string;
  token: string;
}

const password = 'long enough password';

/** Registers and logs in through Envoy, as a client would. */
export async function newPerson(): Promise<Person> {
  const username = `i_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const reg = await edge('/register', { body: { username, email: `${username}@example.test`, password } });
  assert.equal(reg.status, 201, reg.text);
  const login = await edge('/login', { body: { identifier: username, password } });
  assert.equal(login.status, 200, login.text);
  return {
    id: reg.json<{ user: { id: string } }>().user.id,
    username,
    token: login.json<{ accessToken: string }>().accessToken,
  };
}

export type AccessLogLine = Record<string, string | number | null>;

/** Envoy flushes its access log about once a second: poll for the line that matches. */
export async function accessLogLine(match: (line: AccessLogLine) => boolean): Promise<AccessLogLine> {
  const read = async () => {
    if (!existsSync(ingress.accessLog)) return undefined;
    return readFileSync(ingress.accessLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AccessLogLine)
      .find(match);
  };
  const line = await eventually(read, (l) => l !== undefined, 15_000);
  assert.ok(line, 'the request appears in the access log within 15 s');
  return line;
}
