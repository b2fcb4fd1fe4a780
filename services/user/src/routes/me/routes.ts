import { callerOf, type Route, route } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { publicAccount } from '../../domain/account.ts';
import { changeEmail, changePassword, deleteAccount, getAccount } from '../../use-cases/account.ts';
import { accountOutput } from '../auth/schema.ts';
import { changePasswordBody, deleteMeBody, updateMeBody } from './schema.ts';

/** The caller's own account: each route once (the OpenAPI document too). */
export function meRoutes(service: string, db: Kysely<Database>): Route[] {
  return [
    route({
      method: 'get',
      path: '/me',
      summary: 'my account',
      access: 'user',
      responses: { 200: 'the account' },
      output: accountOutput,
      handle: async (ctx) => {
        ctx.body = publicAccount(await getAccount(db, callerOf(ctx).id));
      },
    }),
    route({
      method: 'patch',
      path: '/me',
      summary: 'change my email',
      access: 'user',
      body: updateMeBody,
      responses: { 200: 'the account', 409: 'email taken' },
      output: accountOutput,
      handle: async (ctx, { body: { email } }) => {
        ctx.body = publicAccount(await changeEmail(db, callerOf(ctx).id, email, service));
      },
    }),
    route({
      method: 'post',
      path: '/me/password',
      summary: 'change my password (revokes my other sessions)',
      access: 'user',
      body: changePasswordBody,
      responses: { 204: 'changed' },
      handle: async (ctx, { body }) => {
        const user = callerOf(ctx);
        await changePassword(db, user.id, user.sessionId, body.currentPassword, body.newPassword);
        ctx.status = 204;
      },
    }),
    route({
      method: 'delete',
      path: '/me',
      summary: 'delete my account',
      access: 'user',
      body: deleteMeBody,
      responses: { 204: 'deleted' },
      handle: async (ctx, { body: { password } }) => {
        await deleteAccount(db, callerOf(ctx).id, password, service);
        ctx.status = 204;
      },
    }),
  ];
}
