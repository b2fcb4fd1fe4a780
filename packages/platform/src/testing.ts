import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';
import { tokenAudience, tokenIssuer } from './apps.ts';

export interface TestTokenIssuer {
  /** The key set a verifier under test loads (createTokenVerifier's loadJwks). */
  jwks: JSONWebKeySet;
  /** An access token for `subject`, signed like the user service's, unless options say otherwise. */
  token(subject: string, options?: { expiresIn?: string; audience?: string; roles?: string[] }): Promise<string>;
}

/**
 * For tests that build a service in-process: a signing key of their own, published in a key set
 * the service's verifier is given, so tests sign tokens without the user service.
 */
export async function testTokenIssuer(): Promise<TestTokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = `test-${randomUUID()}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    token: (subject, options = {}) =>
      new SignJWT({ roles: options.roles ?? ['user'] })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setSubject(subject)
        .setIssuer(tokenIssuer)
        .setAudience(options.audience ?? tokenAudience)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(privateKey),
  };
}
