import { randomUUID } from 'node:crypto';
import { tokenAudience, tokenIssuer } from '@soulchat/platform';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  insertKey,
  nextActivation,
  retireOthersAt,
  signingKeyAt,
  verifiableKeys,
} from '../db/signing-keys.repository.ts';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  roles: string[];
}

type SigningKey = { kid: string; key: CryptoKey };

export interface KeyRingOptions {
  accessTtlSeconds: number;
  /**
   * How long a rotated-in key is published before it signs: longer than any verifier caches the
   * key set (Envoy: stack.json ingress.auth.jwksCacheSeconds), so no token names a key it lacks.
   */
  leadSeconds: number;
}

/** How long the signing key is reused before it is read again (another replica may have rotated). */
const rereadMs = 60_000;

/**
 * Ed25519 signing keys kept in the user database. Rotation adds a key that is published at once
 * and signs only after `leadSeconds`; the old one signs until then and stays in the JWKS until
 * every token it signed has expired: nobody is logged out, at the edge or anywhere else.
 */
export function createKeyRing(db: Kysely<Database>, options: KeyRingOptions) {
  let current: { key: SigningKey; until: number } | undefined;
  const graceMs = (options.accessTtlSeconds + 60) * 1000;

  async function generate(activatesAt: Date): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = `${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
    const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
    await insertKey(db, {
      kid,
      privateJwk: JSON.stringify(privateJwk),
      publicJwk: JSON.stringify(publicJwk),
      activatesAt,
    });
    return kid;
  }

  /** The key new tokens are signed with; read again after a minute, or when a rotated-in key activates. */
  async function activeKey(): Promise<SigningKey> {
    if (current && Date.now() < current.until) return current.key;
    const now = new Date();
    let row = await signingKeyAt(db, now);
    if (!row) {
      // The very first key (an empty database) signs at once: no verifier can know an older one.
      await generate(now);
      row = await signingKeyAt(db, now);
    }
    if (!row) throw new Error('no signing key after generating one');
    const key = (await importJWK(JSON.parse(row.private_jwk) as JWK, 'EdDSA')) as CryptoKey;
    const next = await nextActivation(db, now);
    current = { key: { kid: row.kid, key }, until: Math.min(now.getTime() + rereadMs, next?.getTime() ?? Infinity) };
    return current.key;
  }

  return {
    activeKey,
    /** Adds a key that signs from `activatesAt` on; the others stop signing then. */
    async rotate(): Promise<{ kid: string; activatesAt: Date }> {
      const activatesAt = new Date(Date.now() + options.leadSeconds * 1000);
      const kid = await generate(activatesAt);
      await retireOthersAt(db, kid, activatesAt);
      current = undefined;
      return { kid, activatesAt };
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
        .setExpirationTime(`${options.accessTtlSeconds}s`)
        .sign(key);
    },
  };
}

export type KeyRing = ReturnType<typeof createKeyRing>;
