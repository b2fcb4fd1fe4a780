import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { call } from './http.ts';

export interface Person {
  id: string;
  username: string;
  email: string;
  password: string;
  token: string;
}

/** Registers a fresh account through the user service at `userBase` and logs it in. */
export async function newPerson(userBase: string, prefix = 'p'): Promise<Person> {
  const username = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const email = `${username}@example.test`;
  const password = 'long enough password';
  const reg = await call<{ user: { id: string } }>(`${userBase}/register`, { body: { username, email, password } });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const token = await logIn(userBase, username, password);
  return { id: reg.body.user.id, username, email, password, token };
}

export async function logIn(userBase: string, identifier: string, password: string): Promise<string> {
  const login = await call<{ accessToken: string }>(`${userBase}/login`, { body: { identifier, password } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return login.body.accessToken;
}
