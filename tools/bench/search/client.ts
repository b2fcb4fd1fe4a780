/** The few calls the search benchmark makes as a client: JSON over HTTP, a registered user. */
import { randomUUID } from 'node:crypto';

export async function json<T>(url: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

export async function person(userUrl: string) {
  const username = `bs_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const password = 'long enough password';
  const reg = await json<{ user: { id: string } }>(`${userUrl}/register`, {
    body: { username, email: `${username}@example.test`, password },
  });
  const login = await json<{ accessToken: string }>(`${userUrl}/login`, { body: { identifier: username, password } });
  return { id: reg.user.id, token: login.accessToken };
}
