/**
 * `npm run bench -- fanout`: what the fan-out costs as chat instances grow. Today every chat
 * instance consumes every message.created (a consumer group each), so each added instance adds
 * one more full copy of the stream. For 2 and then 4 instances: the same messages are sent,
 * and each instance's count of consumed events and its CPU seconds (app and sidecar, from
 * /proc) are printed. Figures, not assertions.
 *
 *   FANOUT_MESSAGES=2000  messages per run (one group of FANOUT_USERS, sent over HTTP)
 *   FANOUT_USERS=20
 *   FANOUT_INSTANCES=2,4
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type Stack, startStack } from '../stack/stack.ts';
import { repoRoot } from '../stack/topology.ts';

const messages = Number(process.env.FANOUT_MESSAGES ?? 2000);
const users = Number(process.env.FANOUT_USERS ?? 20);
const instanceCounts = (process.env.FANOUT_INSTANCES ?? '2,4').split(',').map(Number);

const appUrl = (stack: Stack, instance: string) => `http://127.0.0.1:${stack.apps.get(instance)?.spec.port}`;

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function person(userUrl: string) {
  const name = `f_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const password = 'long enough password';
  const { user } = await post<{ user: { id: string } }>(`${userUrl}/register`, {
    username: name,
    email: `${name}@fanout.test`,
    password,
  });
  const { accessToken } = await post<{ accessToken: string }>(`${userUrl}/login`, { identifier: name, password });
  return { id: user.id, token: accessToken };
}

/** Events this instance's fan-out handler has taken (the `consumed` stage of its histogram). */
async function consumed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('soulchat_message_stage_seconds_count{') && l.includes('stage="consumed"'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

const cpuSeconds = (pid: number | undefined) => {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

async function measure(instances: number) {
  const runDir = path.join(repoRoot, '.run', `fanout-${instances}`);
  rmSync(runDir, { recursive: true, force: true });
  const stack = await startStack({
    runDir,
    portOffset: 4000,
    onlyApps: ['user', 'profile', 'chat'],
    replicas: { chat: instances },
  });
  try {
    const names = Array.from({ length: instances }, (_, i) => `chat-${i + 1}`);
    const people = await Promise.all(Array.from({ length: users }, () => person(appUrl(stack, 'user'))));
    const [owner] = people;
    if (!owner) throw new Error('no users');
    const chat1 = appUrl(stack, 'chat-1');
    const group = await post<{ id: string }>(
      `${chat1}/groups`,
      { name: 'fanout', memberIds: people.map((p) => p.id) },
      owner.token,
    );
    const before = await Promise.all(names.map((n) => consumed(appUrl(stack, n))));
    const pids = (n: string) => [
      stack.supervisor.get(`${n}-app`)?.child.pid,
      stack.supervisor.get(`${n}-daprd`)?.child.pid,
    ];
    const cpuBefore = names.map((n) => pids(n).map(cpuSeconds));
    for (let i = 0; i < messages; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, messages - i) }, (_, j) =>
          post(
            `${appUrl(stack, names[(i + j) % instances] ?? 'chat-1')}/conversations/${group.id}/messages`,
            {
              clientMsgId: `f${i + j}`,
              content: `fanout ${i + j}`,
            },
            people[(i + j) % users]?.token,
          ),
        ),
      );
    }
    const deadline = Date.now() + 60_000;
    let counts: number[] = [];
    do {
      counts = (await Promise.all(names.map((n) => consumed(appUrl(stack, n))))).map((c, i) => c - (before[i] ?? 0));
      if (counts.every((c) => c >= messages)) break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < deadline);
    const cpu = names.map((n, i) => pids(n).map((pid, k) => cpuSeconds(pid) - (cpuBefore[i]?.[k] ?? 0)));
    return {
      instances,
      messages,
      consumedPerInstance: counts,
      totalConsumed: counts.reduce((a, b) => a + b, 0),
      cpuSecondsPerInstance: cpu.map(([app = 0, sidecar = 0]) => ({
        app: Number(app.toFixed(2)),
        sidecar: Number(sidecar.toFixed(2)),
      })),
    };
  } finally {
    await stack.stop();
  }
}

const runs = [];
for (const n of instanceCounts) {
  const run = await measure(n);
  console.log(JSON.stringify(run));
  runs.push(run);
}
console.log(JSON.stringify({ bench: 'fanout', runs }));
process.exit(0);
