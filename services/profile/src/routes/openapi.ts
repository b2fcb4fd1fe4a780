import { topics } from '@soulchat/contracts';
import { daprSubscribeRoute, eventRoute, openApiDocument, type RouteDoc } from '@soulchat/platform';
import { blockCheckQuery, userIdParams as internalUserParams } from './internal/schema.ts';
import { updateProfileBody, userIdParams } from './profiles/schema.ts';
import { pageQuery, targetParams } from './relations/schema.ts';

const relation = (
  method: 'put' | 'delete',
  what: 'follow' | 'block',
  summary: string,
  responses: Record<number, string>,
): RouteDoc => ({
  method,
  path: `/profiles/:userId/${what}`,
  summary,
  access: 'user',
  params: targetParams,
  responses: { 204: 'done (idempotent)', 404: 'no such profile', ...responses },
});

const followPage = (direction: 'followers' | 'following'): RouteDoc => ({
  method: 'get',
  path: `/profiles/:userId/${direction}`,
  summary: `${direction}, newest first`,
  access: 'user',
  params: targetParams,
  query: pageQuery,
  responses: { 200: '{items, nextCursor}', 404: 'no such profile' },
});

/** Every route of the profile service, with the schemas its handlers validate with. */
export const profileRoutes: RouteDoc[] = [
  {
    method: 'patch',
    path: '/profiles/me',
    summary: 'edit my profile',
    access: 'user',
    body: updateProfileBody,
    responses: { 200: 'the profile', 404: 'no profile yet' },
  },
  {
    method: 'get',
    path: '/profiles/:userId',
    summary: 'a profile with follower and following counts',
    access: 'user',
    params: userIdParams,
    responses: { 200: 'the profile', 404: 'no such profile' },
  },
  relation('put', 'follow', 'follow', { 403: 'one of you blocked the other' }),
  relation('delete', 'follow', 'unfollow', {}),
  relation('put', 'block', 'block (removes follows both ways)', {}),
  relation('delete', 'block', 'unblock', {}),
  {
    method: 'get',
    path: '/profiles/:userId/relationship',
    summary: '{following, followedBy, blocking, blockedBy}',
    access: 'user',
    params: targetParams,
    responses: { 200: 'the relationship', 404: 'no such profile' },
  },
  followPage('followers'),
  followPage('following'),
  {
    method: 'post',
    path: '/internal/profiles',
    summary: 'create a profile (registration saga; CreateProfileRequest)',
    access: 'sidecar',
    responses: { 200: 'already there', 201: 'created' },
  },
  {
    method: 'delete',
    path: '/internal/profiles/:userId',
    summary: "remove a user's profile, follows and blocks",
    access: 'sidecar',
    params: internalUserParams,
    responses: { 204: 'removed' },
  },
  {
    method: 'post',
    path: '/internal/known-profiles',
    summary: 'which of these users have a profile (KnownProfilesRequest)',
    access: 'sidecar',
    responses: { 200: 'KnownProfilesResponse' },
  },
  {
    method: 'post',
    path: '/internal/mutual-follows',
    summary: 'which of the candidates and the user follow each other (MutualFollowsRequest)',
    access: 'sidecar',
    responses: { 200: 'MutualFollowsResponse' },
  },
  {
    method: 'get',
    path: '/internal/blocks',
    summary: 'whether a and b blocked each other',
    access: 'sidecar',
    query: blockCheckQuery,
    responses: { 200: 'BlockCheckResponse' },
  },
  daprSubscribeRoute,
  eventRoute('/events/user-deleted', topics.userDeleted),
];

export const profileOpenApi = openApiDocument('profile', profileRoutes);
