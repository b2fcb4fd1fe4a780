import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The link-signing key, made once: the first instance's insert wins and every instance reads
 * that row. It is never sent anywhere, so it needs no configuration and no Secret.
 */
export async function linkSigningKey(db: Kysely<Database>): Promise<string> {
  await db
    .insertInto('link_keys')
    .values({ id: 1, secret: randomBytes(32).toString('base64url'), created_at: new Date() })
    .ignore()
    .execute();
  const row = await db.selectFrom('link_keys').select('secret').where('id', '=', 1).executeTakeFirstOrThrow();
  return row.secret;
}
