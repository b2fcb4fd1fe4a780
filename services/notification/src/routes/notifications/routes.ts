import Router from '@koa/router';
import { AppError, type AuthState, forbidden, parseInput, type TokenVerifier, unauthorized } from '@soulchat/platform';
import type { Context } from 'koa';
import { decodeCursor } from '../../domain/cursor.ts';
import { broadcastAlert } from '../../use-cases/alerts.ts';
import type { NotificationDeps } from '../../use-cases/deps.ts';
import { notificationsPage, readAll, readOne, unread } from '../../use-cases/inbox.ts';
import { preferencesOf, updatePreferences } from '../../use-cases/settings.ts';
import { alertBody, idParams, listQuery, preferencesBody } from './schema.ts';

function caller(ctx: Context) {
  const user = (ctx.state as Partial<AuthState>).user;
  if (!user?.id || user.id.length > 36) throw unauthorized('token subject is not a user id');
  return user;
}

function pageOf(ctx: Context) {
  const q = parseInput(listQuery, ctx.query);
  const beforeSeq = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  if (q.cursor !== undefined && beforeSeq === undefined) {
    throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor from this list');
  }
  return { limit: q.limit, unreadOnly: q.unread === 'true', ...(beforeSeq === undefined ? {} : { beforeSeq }) };
}

/** The caller's own notifications and settings; alerts for admins. */
export function notificationsRouter(deps: NotificationDeps, verifier: TokenVerifier): Router {
  const router = new Router({ prefix: '/notifications' });
  router.use(verifier.requireUser);

  router.get('/', async (ctx) => {
    ctx.body = await notificationsPage(deps, caller(ctx).id, pageOf(ctx));
  });
  router.get('/unread-count', async (ctx) => {
    ctx.body = await unread(deps, caller(ctx).id);
  });
  router.post('/read-all', async (ctx) => {
    ctx.body = await readAll(deps, caller(ctx).id);
  });
  router.post('/:id/read', async (ctx) => {
    await readOne(deps, caller(ctx).id, parseInput(idParams, ctx.params).id);
    ctx.status = 204;
  });
  router.get('/preferences', async (ctx) => {
    ctx.body = await preferencesOf(deps, caller(ctx).id);
  });
  router.put('/preferences', async (ctx) => {
    ctx.body = await updatePreferences(deps, caller(ctx).id, parseInput(preferencesBody, ctx.request.body));
  });
  router.post('/alerts', async (ctx) => {
    if (!caller(ctx).roles.includes('admin')) throw forbidden('only admins send system alerts');
    const { audience, ...text } = parseInput(alertBody, ctx.request.body);
    ctx.status = 202;
    ctx.body = await broadcastAlert(deps, text, audience);
  });

  return router;
}
