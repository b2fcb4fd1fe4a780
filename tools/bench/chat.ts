/**
 * `npm run bench -- chat`: a bounded load through the real stack (Envoy aside: clients talk to
 * the chat instances directly), beside the same load on a bare WebSocket relay, in one run.
 * Prints one JSON line. Figures, not assertions: compare runs on the same machine.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { startStack } from '../stack/stack.ts';
import { repoRoot } from '../stack/topology.ts';

const clients = Number(process.env.BENCH_CLIENTS ?? 40);
const senders = Number(process.env.BENCH_SENDERS ?? 10);
const perSender = Number(process.env.BENCH_MESSAGES ?? 50);
const idleConnections = Number(process.env.BENCH_IDLE ?? 200);

interface Load {
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  delivered: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

function summarise(latencies: number[], persisted: number, ms: number): Load {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    messagesPerSecond: Math.round((persisted / ms) * 1000),
    p50Ms: Number(percentile(sorted, 50).toFixed(1)),
    p99Ms: Number(percentile(sorted, 99).toFixed(1)),
    delivered: latencies.length,
  };
}

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Senders send one message at a time (the next after the ack); receivers time arrival. */
async function runLoad(
  sockets: WebSocket[],
  frameFor: (sender: number, n: number) => Record<string, unknown>,
  recipientsPerMessage: number,
): Promise<Load> {
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  const acks = new Map<string, () => void>();
  for (const ws of sockets) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as {
        type: string;
        clientMsgId?: string;
        message?: { clientMsgId: string };
      };
      if (f.type === 'ack' && f.clientMsgId) acks.get(f.clientMsgId)?.();
      const id = f.type === 'message' ? (f.message?.clientMsgId ?? f.clientMsgId) : undefined;
      const at = id ? sentAt.get(id) : undefined;
      if (at !== undefined) latencies.push(performance.now() - at);
    });
  }
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async (_, s) => {
      for (let n = 0; n < perSender; n++) {
        const frame = frameFor(s, n);
        const id = String(frame.clientMsgId);
        const acked = new Promise<void>((resolve) => acks.set(id, resolve));
        sentAt.set(id, performance.now());
        sockets[s]?.send(JSON.stringify(frame));
        await acked;
      }
    }),
  );
  const expected = senders * perSender * recipientsPerMessage;
  const deadline = Date.now() + 30_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return summarise(latencies, senders * perSender, performance.now() - started);
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

async function register(userUrl: string) {
  const name = `b_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const password = 'long enough password';
  const headers = { 'content-type': 'application/json' };
  const reg = await fetch(`${userUrl}/register`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ username: name, email: `${name}@b.test`, password }),
  });
  const id = ((await reg.json()) as { user: { id: string } }).user.id;
  const login = await fetch(`${userUrl}/login`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ identifier: name, password }),
  });
  return { id, token: ((await login.json()) as { accessToken: string }).accessToken };
}

async function benchStack(): Promise<{ load: Load; idleBytesPerConnection: number }> {
  const runDir = path.join(repoRoot, '.run', 'bench');
  rmSync(runDir, { recursive: true, force: true });
  const stack = await startStack({ runDir, portOffset: 4000, onlyApps: ['user', 'profile', 'chat'] });
  try {
    const url = (i: string) => `http://127.0.0.1:${stack.apps.get(i)?.spec.port}`;
    const people: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < clients; i++) people.push(await register(url('user')));
    const owner = people[0];
    if (!owner) throw new Error('no users');
    const groupRes = await fetch(`${url('chat-1')}/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ name: 'bench', memberIds: people.map((p) => p.id) }),
    });
    const group = ((await groupRes.json()) as { id: string }).id;
    const sockets = await Promise.all(
      people.map((p, i) =>
        open(`${url(i % 2 ? 'chat-2' : 'chat-1').replace('http', 'ws')}/ws`, { authorization: `Bearer ${p.token}` }),
      ),
    );
    const load = await runLoad(
      sockets,
      (s, n) => ({ v: 1, type: 'send', conversationId: group, clientMsgId: `s${s}-${n}`, content: `bench ${n}` }),
      clients,
    );
    for (const ws of sockets) ws.close();
    const chatPid = stack.supervisor.get('chat-1-app')?.child.pid ?? 0;
    const before = rssKb(chatPid);
    const idle = await Promise.all(
      Array.from({ length: idleConnections }, (_, i) =>
        open(`${url('chat-1').replace('http', 'ws')}/ws`, {
          authorization: `Bearer ${people[i % people.length]?.token}`,
        }),
      ),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const after = rssKb(chatPid);
    for (const ws of idle) ws.close();
    return { load, idleBytesPerConnection: Math.round(((after - before) * 1024) / idleConnections) };
  } finally {
    await stack.stop();
  }
}

async function benchRelay(): Promise<Load> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'relay-server.ts'), '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve) =>
      child.stdout?.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port)),
    );
    const sockets = await Promise.all(Array.from({ length: clients }, () => open(`ws://127.0.0.1:${port}`)));
    for (const ws of sockets) ws.send(JSON.stringify({ type: 'join', room: 'bench' }));
    await new Promise((r) => setTimeout(r, 200));
    const load = await runLoad(
      sockets,
      (s, n) => ({ type: 'send', room: 'bench', clientMsgId: `s${s}-${n}`, content: `bench ${n}` }),
      clients,
    );
    for (const ws of sockets) ws.close();
    return load;
  } finally {
    child.kill();
  }
}

const baseline = await benchRelay();
const stack = await benchStack();
console.log(
  JSON.stringify({
    bench: 'chat',
    clients,
    senders,
    messagesPerSender: perSender,
    conversation: 'one group of all clients, two chat instances',
    soulchat: { ...stack.load, idleBytesPerConnection: stack.idleBytesPerConnection },
    bareRelay: baseline,
  }),
);
process.exit(0);
