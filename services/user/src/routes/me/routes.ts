import Router from '@koa/router';
import { type AuthState, parseInput, type TokenVerifier } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { publicAccount } from '../../domain/account.ts';
import { changeEmail, changePassword, deleteAccount, getAccount } from '../../use-cases/account.ts';
import { changePasswordBody, deleteMeBody, updateMeBody } from './schema.ts';

export function meRouter(service: string, db: Kysely<Database>, verifier: TokenVerifier): Router {
  const router = new Router({ prefix: '/me' });
  router.use(verifier.requireUser);
  const me = (state: unknown) => (state as AuthState).user;

  router.get('/', async (ctx) => {
    ctx.body = publicAccount(await getAccount(db, me(ctx.state).id));
  });

  router.patch('/', async (ctx) => {
    const { email } = parseInput(updateMeBody, ctx.request.body);
    ctx.body = publicAccount(await changeEmail(db, me(ctx.state).id, email, service));
  });

  router.post('/password', async (ctx) => {
    const body = parseInput(changePasswordBody, ctx.request.body);
    const user = me(ctx.state);
    await changePassword(db, user.id, user.sessionId, body.currentPassword, body.newPassword);
    ctx.status = 204;
  });

  router.delete('/', async (ctx) => {
    const { password } = parseInput(deleteMeBody, ctx.request.body);
    await deleteAccount(db, me(ctx.state).id, password, service);
    ctx.status = 204;
  });

  return router;
}
