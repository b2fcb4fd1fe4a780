import { createConnection } from 'mysql2/promise';
import type { StackInfo } from '../../tools/stack/sidecar.ts';

/** Runs one query as MariaDB root on a stack: for checks across services' databases. */
export async function rootQuery<T>(info: StackInfo, sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = await createConnection({
    host: '127.0.0.1',
    port: info.topology.infrastructure.mariadb.port,
    user: 'root',
  });
  try {
    const [rows] = await conn.query(sql, params);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

/**
 * The saga's invariant across the two databases: every account has a profile, every profile an
 * account, and no account is left pending. Returns what breaks it (empty when it holds).
 */
export async function registrationInconsistencies(info: StackInfo): Promise<string[]> {
  const users = await rootQuery<{ id: string; status: string }>(info, 'SELECT id, status FROM users.users');
  const profiles = await rootQuery<{ user_id: string }>(info, 'SELECT user_id FROM profiles.profiles');
  const profileIds = new Set(profiles.map((p) => p.user_id));
  const userIds = new Set(users.map((u) => u.id));
  return [
    ...users.filter((u) => u.status !== 'active').map((u) => `user ${u.id} is ${u.status}`),
    ...users.filter((u) => !profileIds.has(u.id)).map((u) => `user ${u.id} has no profile`),
    ...profiles.filter((p) => !userIds.has(p.user_id)).map((p) => `profile ${p.user_id} has no user`),
  ];
}
