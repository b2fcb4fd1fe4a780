import type { Kysely, Transaction } from 'kysely';
import type { Database, SigningKeyRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertKey(db: Db, key: { kid: string; privateJwk: string; publicJwk: string }): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({ kid: key.kid, private_jwk: key.privateJwk, public_jwk: key.publicJwk, retired_at: null })
    .execute();
}

export async function newestActiveKey(db: Db): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .executeTakeFirst();
}

export async function retireAllExcept(db: Db, kid: string): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ retired_at: new Date() })
    .where('kid', '!=', kid)
    .where('retired_at', 'is', null)
    .execute();
}

/** Keys whose tokens may still be valid: active ones and those retired less than `graceMs` ago. */
export async function verifiableKeys(db: Db, graceMs: number): Promise<SigningKeyRow[]> {
  const since = new Date(Date.now() - graceMs);
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', since)]))
    .orderBy('created_at', 'desc')
    .execute();
}
