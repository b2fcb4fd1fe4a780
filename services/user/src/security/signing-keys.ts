import { randomUUID } from 'node:crypto';
import { tokenAudience, tokenIssuer } from '@soulchat/platform';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { insertKey, newestActiveKey, retireAllExcept, verifiableKeys } from '../db/signing-keys.repository.ts';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  roles: string[];
}

type SigningKey = { kid: string; key: CryptoKey };

/**
 * Ed25519 signing keys kept in the user database. Rotation adds a new key and retires the old,
 * which stays in the JWKS until every token it signed has expired: nobody is logged out.
 */
export function createKeyRing(db: Kysely<Database>, accessTtlSeconds: number) {
  let current: { key: SigningKey; loadedAt: number } | undefined;
  const graceMs = (accessTtlSeconds + 60) * 1000;

  async function generate(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = `${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
    const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
    await insertKey(db, { kid, privateJwk: JSON.stringify(privateJwk), publicJwk: JSON.stringify(publicJwk) });
    return kid;
  }

  /** The key new tokens are signed with; re-read every minute so a rotation on another replica takes effect. */
  async function activeKey(): Promise<SigningKey> {
    if (current && Date.now() - current.loadedAt < 60_000) return current.key;
    let row = await newestActiveKey(db);
    if (!row) {
      await generate();
      row = await newestActiveKey(db);
    }
    if (!row) throw new Error('no signing key after generating one');
    const key = (await importJWK(JSON.parse(row.private_jwk) as JWK, 'EdDSA')) as CryptoKey;
    current = { key: { kid: row.kid, key }, loadedAt: Date.now() };
    return current.key;
  }

  return {
    activeKey,
    async rotate(): Promise<string> {
      const kid = await generate();
      await retireAllExcept(db, kid);
      current = undefined;
      return kid;
    },
    async jwks(): Promise<JSONWebKeySet> {
      const rows = await verifiableKeys(db, graceMs);
      return { keys: rows.map((r) => JSON.parse(r.public_jwk) as JWK) };
    },
    async signAccessToken(claims: AccessClaims): Promise<string> {
      const { kid, key } = await activeKey();
      return new SignJWT({ sid: claims.sessionId, roles: claims.roles })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
        .setSubject(claims.userId)
        .setIssuer(tokenIssuer)
        .setAudience(tokenAudience)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${accessTtlSeconds}s`)
        .sign(key);
    },
  };
}

export type KeyRing = ReturnType<typeof createKeyRing>;
