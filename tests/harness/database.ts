import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { sharedStack } from './stack.ts';

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database (and its own user) on the shared MariaDB, for one test. */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const info = sharedStack();
  const port = info.topology.infrastructure.mariadb.port;
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const root = await createConnection({ host: '127.0.0.1', port, user: 'root' });
  try {
    await root.query(`CREATE DATABASE \`${name}\``);
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [name, '127.0.0.1', password]);
    await root.query(`GRANT ALL PRIVILEGES ON \`${name}\`.* TO ?@?`, [name, '127.0.0.1']);
  } finally {
    await root.end();
  }
  return {
    url: `mysql://${name}:${password}@127.0.0.1:${port}/${name}`,
    async drop() {
      const conn = await createConnection({ host: '127.0.0.1', port, user: 'root' });
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await conn.query('DROP USER IF EXISTS ?@?', [name, '127.0.0.1']);
      } finally {
        await conn.end();
      }
    },
  };
}
