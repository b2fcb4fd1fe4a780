import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { type AuthState, inUseCase, parseInput, type TokenVerifier, unauthorized } from '@soulchat/platform';
import type { Context } from 'koa';
import { findForLogin } from '../../db/users.repository.ts';
import { normaliseEmail, publicAccount } from '../../domain/account.ts';
import type { LoginGuard } from '../../security/login-guard.ts';
import { verifyPassword } from '../../security/passwords.ts';
import type { KeyRing } from '../../security/signing-keys.ts';
import { awaitOutcome, type RegisterDeps, type RegisterResult, register } from '../../use-cases/register.ts';
import { endSession, refreshSession, type SessionDeps, startSession } from '../../use-cases/sessions.ts';
import { idempotencyKey, loginBody, refreshBody, registerBody, registrationParams } from './schema.ts';

export interface AuthRouteDeps {
  service: string;
  sessions: SessionDeps;
  registration: RegisterDeps;
  keys: KeyRing;
  guard: LoginGuard;
  verifier: TokenVerifier;
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

export function authRouter(deps: AuthRouteDeps): Router {
  const router = new Router();

  router.post('/register', async (ctx) => {
    const input = parseInput(registerBody, ctx.request.body);
    const registrationId = parseInput(idempotencyKey, ctx.get('idempotency-key') || undefined) ?? randomUUID();
    const result = await inUseCase(deps.service, 'register', { 'registration.id': registrationId }, () =>
      register(deps.registration, { ...input, registrationId, displayName: input.displayName ?? input.username }),
    );
    answerRegistration(ctx, registrationId, result, 'registrant');
  });

  router.get('/registrations/:id', async (ctx) => {
    const { id } = parseInput(registrationParams, ctx.params);
    answerRegistration(ctx, id, await awaitOutcome(deps.registration, id, 0), 'poll');
  });

  router.post('/login', async (ctx) => {
    const { identifier, password } = parseInput(loginBody, ctx.request.body);
    await deps.guard.check(identifier, ctx.ip);
    const found = await findForLogin(deps.sessions.db, identifier, normaliseEmail(identifier));
    if (!(await verifyPassword(found?.passwordHash, password)) || !found) {
      await deps.guard.failed(identifier, ctx.ip);
      throw unauthorized('wrong username, email or password');
    }
    await deps.guard.succeeded(identifier);
    const tokens = await startSession(deps.sessions, found.account);
    ctx.body = { user: publicAccount(found.account), ...tokens };
  });

  router.post('/token/refresh', async (ctx) => {
    const { refreshToken } = parseInput(refreshBody, ctx.request.body);
    ctx.body = await refreshSession(deps.sessions, refreshToken);
  });

  router.post('/logout', deps.verifier.requireUser, async (ctx) => {
    const { refreshToken } = parseInput(refreshBody, ctx.request.body);
    await endSession(deps.sessions, refreshToken, (ctx.state as AuthState).user.id);
    ctx.status = 204;
  });

  router.get('/.well-known/jwks.json', async (ctx) => {
    ctx.set('cache-control', 'public, max-age=60');
    ctx.body = await deps.keys.jwks();
  });

  return router;
}
