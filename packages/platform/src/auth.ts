import { createLocalJWKSet, errors, type JSONWebKeySet, jwtVerify } from 'jose';
import type { Context, Next } from 'koa';
import { AppError } from './errors.ts';
import { userIdRule } from './names.ts';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Fetches the user service's JWKS (through Dapr invocation in services). */
  loadJwks: () => Promise<JSONWebKeySet>;
  /** Refetch at most this often when a token names an unknown key (rotation). */
  minRefreshMs?: number;
}

export interface AuthenticatedUser {
  id: string;
  sessionId: string | undefined;
  roles: string[];
}

export type AuthState = { user: AuthenticatedUser };

/** The caller of a `user` route, as the guard (requireUser) verified them. */
export function callerOf(ctx: Context): AuthenticatedUser {
  const user = (ctx.state as Partial<AuthState>).user;
  if (!user) throw new AppError('UNAUTHORIZED', 'authentication required');
  return user;
}

/**
 * Verifies access tokens against the issuer's published keys. Only EdDSA is accepted, so
 * `alg: none` and HMAC tokens made with a public key are refused. A token signed with a key we
 * have not seen makes one refetch of the JWKS: that is how key rotation reaches every service.
 */
export function createTokenVerifier(options: TokenVerifierOptions) {
  let keys: ReturnType<typeof createLocalJWKSet> | undefined;
  let loadedAt = 0;
  const minRefreshMs = options.minRefreshMs ?? 10_000;

  /** A key set that cannot be had is the verifier's problem, not the token's: 503, retry soon. */
  async function refresh(): Promise<void> {
    let jwks: JSONWebKeySet;
    try {
      jwks = await options.loadJwks();
    } catch (err) {
      throw keysUnavailable(err);
    }
    keys = createLocalJWKSet(jwks);
    loadedAt = Date.now();
  }

  async function verifyWith(token: string) {
    if (!keys) await refresh();
    return jwtVerify(token, keys as ReturnType<typeof createLocalJWKSet>, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ['EdDSA'],
    });
  }

  async function verify(token: string): Promise<AuthenticatedUser> {
    let result: Awaited<ReturnType<typeof verifyWith>>;
    try {
      result = await verifyWith(token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || Date.now() - loadedAt < minRefreshMs) throw toAuthError(err);
      await refresh();
      result = await verifyWith(token).catch((again: unknown) => {
        throw toAuthError(again);
      });
    }
    const { sub, sid, roles } = result.payload;
    if (typeof sub !== 'string' || sub === '') throw new AppError('UNAUTHORIZED', 'token has no subject');
    // Every service keys its data by user id: a token whose subject is no user id proves nobody.
    if (!userIdRule.safeParse(sub).success) throw new AppError('UNAUTHORIZED', 'token subject is not a user id');
    return {
      id: sub,
      sessionId: typeof sid === 'string' ? sid : undefined,
      roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
    };
  }

  /** Koa middleware: a valid `Authorization: Bearer` access token or a 401. */
  async function requireUser(ctx: Context, next: Next): Promise<void> {
    const header = ctx.get('authorization');
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
    if (!match?.[1]) throw new AppError('UNAUTHORIZED', 'missing bearer token');
    (ctx.state as AuthState).user = await verify(match[1]);
    await next();
  }

  return { verify, requireUser };
}

/** Seconds a client should wait before retrying when the keys could not be fetched. */
const keysRetryAfterSeconds = 2;

function keysUnavailable(err: unknown): AppError {
  const reason = err instanceof Error ? err.message : String(err);
  return new AppError(
    'UNAVAILABLE',
    `cannot verify tokens now (${reason}); retry shortly`,
    { retryAfterSeconds: keysRetryAfterSeconds },
    { 'retry-after': String(keysRetryAfterSeconds) },
  );
}

function toAuthError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof errors.JWTExpired) return new AppError('UNAUTHORIZED', 'token expired');
  if (err instanceof errors.JOSEError) return new AppError('UNAUTHORIZED', 'invalid token');
  if (err instanceof Error) return keysUnavailable(err);
  return new AppError('UNAUTHORIZED', 'invalid token');
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
