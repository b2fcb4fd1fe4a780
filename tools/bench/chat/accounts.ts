/**
 * Real accounts and conversations for the benchmark: registered and logged in on the user
 * service's own port (the ingress allows a client address 20 registrations, then one every 3 s),
 * conversations opened on chat's ports with each creator's token.
 */
import { randomBytes } from 'node:crypto';
import type { PopulationPlan } from './population.ts';

export interface Account {
  id: string;
  username: string;
  password: string;
  token: string;
  loggedInAt: number;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

async function request(url: string, init: CallOptions = {}): Promise<Reply> {
  const res = await fetch(url, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      ...init.headers,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const userIdOf = (reply: Reply) => (reply.body.user as { id?: string } | undefined)?.id;

/** 201 at once, or 202 while the saga runs (poll it), or 503 when it compensated (retry it). */
async function register(userUrl: string, username: string, password: string): Promise<string> {
  const registrationId = randomBytes(16).toString('base64url');
  const body = { username, email: `${username}@bench.test`, password };
  for (let attempt = 0; attempt < 5; attempt++) {
    let reply = await request(`${userUrl}/register`, { body, headers: { 'idempotency-key': registrationId } });
    while (reply.status === 202) {
      await new Promise((r) => setTimeout(r, 250));
      reply = await request(`${userUrl}/registrations/${registrationId}`);
    }
    const id = userIdOf(reply);
    if (reply.status === 201 && id) return id;
    if (reply.status !== 503) throw new Error(`register ${username}: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  throw new Error(`register ${username}: the saga kept failing`);
}

export async function logIn(userUrl: string, account: Account): Promise<void> {
  const reply = await request(`${userUrl}/login`, {
    body: { identifier: account.username, password: account.password },
  });
  const token = reply.body.accessToken;
  if (reply.status !== 200 || typeof token !== 'string') throw new Error(`login ${account.username}: ${reply.status}`);
  account.token = token;
  account.loggedInAt = Date.now();
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inParallel<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export async function registerAccounts(userUrl: string, count: number, progress: (m: string) => void) {
  const run = randomBytes(3).toString('hex');
  const password = 'bench password long enough';
  return inParallel(Array.from({ length: count }), 6, async (_, i) => {
    const username = `b${run}_${i}`;
    const account: Account = {
      id: await register(userUrl, username, password),
      username,
      password,
      token: '',
      loggedInAt: 0,
    };
    await logIn(userUrl, account);
    if ((i + 1) % 100 === 0) progress(`[bench] registered ${i + 1} of ${count} users`);
    return account;
  });
}

/** Access tokens live 15 minutes: log in again whoever is about to need one and is older. */
export async function refreshTokens(userUrl: string, accounts: Account[], maxAgeMs = 10 * 60_000) {
  const stale = accounts.filter((a) => Date.now() - a.loggedInAt > maxAgeMs);
  await inParallel(stale, 6, (a) => logIn(userUrl, a));
}

/** Opens every planned conversation; returns their ids in plan order. */
export async function createConversations(chatUrls: string[], plan: PopulationPlan, accounts: Account[]) {
  return inParallel(plan.conversations, 8, async (c, i) => {
    const [creator = 0, ...others] = c.members;
    const token = accounts[creator]?.token ?? '';
    const chat = chatUrls[i % chatUrls.length];
    const reply =
      c.kind === 'direct'
        ? await request(`${chat}/conversations/direct`, { token, body: { userId: accounts[others[0] ?? 0]?.id } })
        : await request(`${chat}/groups`, {
            token,
            body: { name: `bench ${c.kind} ${i}`, memberIds: others.map((m) => accounts[m]?.id) },
          });
    const id = reply.body.id;
    if (reply.status >= 300 || typeof id !== 'string') throw new Error(`conversation ${i}: ${reply.status}`);
    return id;
  });
}
