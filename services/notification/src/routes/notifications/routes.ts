import { AppError, callerOf, type Route, route } from '@soulchat/platform';
import type { z } from 'zod';
import { decodeCursor } from '../../domain/cursor.ts';
import { broadcastAlert } from '../../use-cases/alerts.ts';
import type { NotificationDeps } from '../../use-cases/deps.ts';
import { notificationsPage, readAll, readOne, unread } from '../../use-cases/inbox.ts';
import { preferencesOf, updatePreferences } from '../../use-cases/settings.ts';
import {
  alertBody,
  idParams,
  listQuery,
  notificationPageOutput,
  preferencesBody,
  readAllOutput,
  unreadOutput,
} from './schema.ts';

function pageOf(query: z.output<typeof listQuery>) {
  const beforeSeq = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (query.cursor !== undefined && beforeSeq === undefined) {
    throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor from this list');
  }
  return { limit: query.limit, unreadOnly: query.unread === 'true', ...(beforeSeq === undefined ? {} : { beforeSeq }) };
}

/** The caller's own notifications and settings; alerts for admins. */
export function notificationRoutes(deps: NotificationDeps): Route[] {
  return [
    route({
      method: 'get',
      path: '/notifications',
      summary: 'my notifications, newest first',
      access: 'user',
      query: listQuery,
      output: notificationPageOutput,
      responses: { 200: '{items, nextCursor}' },
      handle: async (ctx, { query }) => {
        ctx.body = await notificationsPage(deps, callerOf(ctx).id, pageOf(query));
      },
    }),
    route({
      method: 'get',
      path: '/notifications/unread-count',
      summary: 'how many are unread',
      access: 'user',
      output: unreadOutput,
      responses: { 200: '{count}' },
      handle: async (ctx) => {
        ctx.body = await unread(deps, callerOf(ctx).id);
      },
    }),
    route({
      method: 'post',
      path: '/notifications/read-all',
      summary: 'mark all read',
      access: 'user',
      output: readAllOutput,
      responses: { 200: '{updated}' },
      handle: async (ctx) => {
        ctx.body = await readAll(deps, callerOf(ctx).id);
      },
    }),
    route({
      method: 'post',
      path: '/notifications/:id/read',
      summary: 'mark one read',
      access: 'user',
      params: idParams,
      // Another user's notification answers exactly like a missing one.
      responses: { 204: 'read', 404: 'no such notification of yours' },
      handle: async (ctx, { params }) => {
        await readOne(deps, callerOf(ctx).id, params.id);
        ctx.status = 204;
      },
    }),
    route({
      method: 'get',
      path: '/notifications/preferences',
      summary: 'which kinds on which channel, and my phone',
      access: 'user',
      responses: { 200: 'the preferences' },
      handle: async (ctx) => {
        ctx.body = await preferencesOf(deps, callerOf(ctx).id);
      },
    }),
    route({
      method: 'put',
      path: '/notifications/preferences',
      summary: 'change channels and/or the phone for SMS',
      access: 'user',
      body: preferencesBody,
      responses: { 200: 'the preferences' },
      handle: async (ctx, { body }) => {
        ctx.body = await updatePreferences(deps, callerOf(ctx).id, body);
      },
    }),
    route({
      method: 'post',
      path: '/notifications/alerts',
      summary: 'a system alert to everyone or a group (admins only)',
      access: 'admin',
      body: alertBody,
      responses: { 202: '{alertId, recipients}', 404: 'no such group' },
      handle: async (ctx, { body: { audience, ...text } }) => {
        ctx.status = 202;
        ctx.body = await broadcastAlert(deps, text, audience);
      },
    }),
  ];
}
