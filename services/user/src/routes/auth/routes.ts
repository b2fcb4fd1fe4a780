import { randomUUID } from 'node:crypto';
import { callerOf, inUseCase, type Route, route, unauthorized } from '@soulchat/platform';
import type { Context } from 'koa';
import { findForLogin } from '../../db/users.repository.ts';
import { normaliseEmail, publicAccount } from '../../domain/account.ts';
import type { LoginGuard } from '../../security/login-guard.ts';
import { verifyPassword } from '../../security/passwords.ts';
import type { KeyRing } from '../../security/signing-keys.ts';
import { awaitOutcome, type RegisterDeps, type RegisterResult, register } from '../../use-cases/register.ts';
import { endSession, refreshSession, type SessionDeps, startSession } from '../../use-cases/sessions.ts';
import {
  loginBody,
  loginOutput,
  refreshBody,
  registerBody,
  registerHeaders,
  registrationOutput,
  registrationParams,
  tokensOutput,
} from './schema.ts';

export interface AuthRouteDeps {
  service: string;
  sessions: SessionDeps;
  registration: RegisterDeps;
  keys: KeyRing;
  guard: LoginGuard;
}

/**
 * The POST that registered answers with the account (its caller sent those details); a status
 * read by registration id answers with the user id only: no personal data to whoever holds the id.
 */
function answerRegistration(
  ctx: Context,
  registrationId: string,
  result: RegisterResult,
  asker: 'registrant' | 'poll',
) {
  if (result.state === 'registered') {
    ctx.status = 201;
    const user = asker === 'registrant' ? publicAccount(result.account) : { id: result.account.id };
    ctx.body = { registrationId, status: 'registered', user };
    return;
  }
  ctx.status = 202;
  ctx.set('location', `/registrations/${registrationId}`);
  ctx.body = { registrationId, status: 'pending' };
}

/** Registration, sessions and the signing keys' JWKS: each route once (the OpenAPI document too). */
export function authRoutes(deps: AuthRouteDeps): Route[] {
  return [
    route({
      method: 'post',
      path: '/register',
      summary: 'register an account (runs the registration saga)',
      access: 'open',
      headers: registerHeaders,
      body: registerBody,
      output: registrationOutput,
      responses: {
        201: 'registered',
        202: 'still running: poll Location',
        409: 'username or email taken',
        503: 'the saga compensated; retry with the same key',
      },
      handle: async (ctx, { headers, body }) => {
        const registrationId = headers['idempotency-key'] ?? randomUUID();
        const result = await inUseCase(deps.service, 'register', { 'registration.id': registrationId }, () =>
          register(deps.registration, { ...body, registrationId, displayName: body.displayName ?? body.username }),
        );
        answerRegistration(ctx, registrationId, result, 'registrant');
      },
    }),
    route({
      method: 'get',
      path: '/registrations/:id',
      summary: 'the state of a registration',
      access: 'open',
      params: registrationParams,
      responses: { 201: 'registered', 202: 'pending', 404: 'no such registration', 409: 'taken', 503: 'compensated' },
      output: registrationOutput,
      handle: async (ctx, { params: { id } }) => {
        answerRegistration(ctx, id, await awaitOutcome(deps.registration, id, 0), 'poll');
      },
    }),
    route({
      method: 'post',
      path: '/login',
      summary: 'log in with a username or email',
      access: 'open',
      body: loginBody,
      responses: { 200: 'tokens and the account', 429: 'too many failed logins' },
      output: loginOutput,
      handle: async (ctx, { body: { identifier, password } }) => {
        await deps.guard.check(identifier, ctx.ip);
        const found = await findForLogin(deps.sessions.db, identifier, normaliseEmail(identifier));
        if (!(await verifyPassword(found?.passwordHash, password)) || !found) {
          await deps.guard.failed(identifier, ctx.ip);
          throw unauthorized('wrong username, email or password');
        }
        await deps.guard.succeeded(identifier);
        const tokens = await startSession(deps.sessions, found.account);
        ctx.body = { user: publicAccount(found.account), ...tokens };
      },
    }),
    route({
      method: 'post',
      path: '/token/refresh',
      summary: 'rotate a refresh token',
      access: 'open',
      body: refreshBody,
      responses: { 200: 'new tokens' },
      output: tokensOutput,
      handle: async (ctx, { body: { refreshToken } }) => {
        ctx.body = await refreshSession(deps.sessions, refreshToken);
      },
    }),
    route({
      method: 'post',
      path: '/logout',
      summary: 'revoke the session',
      access: 'user',
      body: refreshBody,
      responses: { 204: 'revoked' },
      handle: async (ctx, { body: { refreshToken } }) => {
        await endSession(deps.sessions, refreshToken, callerOf(ctx).id);
        ctx.status = 204;
      },
    }),
    route({
      method: 'get',
      path: '/.well-known/jwks.json',
      summary: 'public keys for access tokens',
      access: 'open',
      responses: { 200: 'the JWKS' },
      handle: async (ctx) => {
        ctx.set('cache-control', 'public, max-age=60');
        ctx.body = await deps.keys.jwks();
      },
    }),
  ];
}
