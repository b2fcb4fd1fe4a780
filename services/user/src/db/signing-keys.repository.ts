import type { Kysely, Transaction } from 'kysely';
import type { Database, SigningKeyRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertKey(
  db: Db,
  key: { kid: string; privateJwk: string; publicJwk: string; activatesAt: Date },
): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({
      kid: key.kid,
      private_jwk: key.privateJwk,
      public_jwk: key.publicJwk,
      activates_at: key.activatesAt,
      retired_at: null,
    })
    .execute();
}

/** The key that signs at `now`: the newest one activated and not yet retired. */
export async function signingKeyAt(db: Db, now: Date): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('activates_at', '<=', now)
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', now)]))
    .orderBy('activates_at', 'desc')
    .orderBy('kid', 'desc')
    .executeTakeFirst();
}

/** When the signing key next changes (a pending activation), if one is scheduled. */
export async function nextActivation(db: Db, now: Date): Promise<Date | undefined> {
  const row = await db
    .selectFrom('signing_keys')
    .select((eb) => eb.fn.min('activates_at').as('at'))
    .where('activates_at', '>', now)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : undefined;
}

/** Every other key still signing (or due to) stops when `kid` activates. */
export async function retireOthersAt(db: Db, kid: string, at: Date): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ retired_at: at })
    .where('kid', '!=', kid)
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', at)]))
    .execute();
}

/**
 * Keys whose tokens may still be valid or soon will be: pending and active ones, and those
 * retired less than `graceMs` ago.
 */
export async function verifiableKeys(db: Db, graceMs: number): Promise<SigningKeyRow[]> {
  const since = new Date(Date.now() - graceMs);
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', since)]))
    .orderBy('activates_at', 'desc')
    .execute();
}
