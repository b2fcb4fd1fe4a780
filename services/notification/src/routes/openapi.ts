import { topics } from '@soulchat/contracts';
import { daprSubscribeRoute, eventRoute, openApiDocument, type RouteDoc } from '@soulchat/platform';
import { alertBody, idParams, listQuery, preferencesBody } from './notifications/schema.ts';

/** Every route of the notification service, with the schemas its handlers validate with. */
export const notificationRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/notifications',
    summary: 'my notifications, newest first',
    access: 'user',
    query: listQuery,
    responses: { 200: '{items, nextCursor}' },
  },
  {
    method: 'get',
    path: '/notifications/unread-count',
    summary: 'how many are unread',
    access: 'user',
    responses: { 200: '{count}' },
  },
  {
    method: 'post',
    path: '/notifications/read-all',
    summary: 'mark all read',
    access: 'user',
    responses: { 200: '{updated}' },
  },
  {
    method: 'post',
    path: '/notifications/:id/read',
    summary: 'mark one read',
    access: 'user',
    params: idParams,
    // Another user's notification answers exactly like a missing one.
    responses: { 204: 'read', 404: 'no such notification of yours' },
  },
  {
    method: 'get',
    path: '/notifications/preferences',
    summary: 'which kinds on which channel, and my phone',
    access: 'user',
    responses: { 200: 'the preferences' },
  },
  {
    method: 'put',
    path: '/notifications/preferences',
    summary: 'change channels and/or the phone for SMS',
    access: 'user',
    body: preferencesBody,
    responses: { 200: 'the preferences' },
  },
  {
    method: 'post',
    path: '/notifications/alerts',
    summary: 'a system alert to everyone or a group (admins only)',
    access: 'user',
    body: alertBody,
    responses: { 202: '{alertId, recipients}', 403: 'not an admin', 404: 'no such group' },
  },
  daprSubscribeRoute,
  eventRoute('/events/user-registered', topics.userRegistered),
  eventRoute('/events/follow-created', topics.followCreated),
  eventRoute('/events/message-created', topics.messageCreated),
  eventRoute('/events/group-members-changed', topics.groupMembersChanged),
  eventRoute('/events/user-deleted', topics.userDeleted),
  eventRoute('/events/user-email-changed', topics.userEmailChanged),
];

export const notificationOpenApi = openApiDocument('notification', notificationRoutes);
