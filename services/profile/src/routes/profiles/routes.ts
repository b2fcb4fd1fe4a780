import { callerOf, createRateLimiter, type Route, rateLimited, route } from '@soulchat/platform';
import type { UseCaseDeps } from '../../usecases/deps.ts';
import { getProfile, searchPeople, updateMyProfile } from '../../usecases/profiles.ts';
import { profileOutput, searchOutput, searchQuery, updateProfileBody, userIdParams } from './schema.ts';

/** Reading profiles, finding people, and editing one's own. */
export function profilesRoutes(deps: UseCaseDeps, searchPer10s: number): Route[] {
  const searches = createRateLimiter({ capacity: searchPer10s, windowMs: 10_000 });
  return [
    route({
      method: 'get',
      path: '/profiles',
      summary: 'find people by a prefix of their username or display name (public fields, never blocked)',
      access: 'user',
      query: searchQuery,
      output: searchOutput,
      responses: { 200: '{items: [{userId, username, displayName, imageUrl}], nextCursor}', 429: 'too many searches' },
      handle: async (ctx, { query }) => {
        const caller = callerOf(ctx).id;
        const wait = searches.check(caller);
        if (wait !== undefined) throw rateLimited(wait, 'too many searches; try again shortly');
        ctx.body = await searchPeople(deps, caller, {
          prefix: query.q,
          limit: query.limit,
          ...(query.cursor ? { after: query.cursor } : {}),
        });
      },
    }),
    route({
      method: 'patch',
      path: '/profiles/me',
      summary: 'edit my profile',
      access: 'user',
      body: updateProfileBody,
      output: profileOutput,
      responses: { 200: 'the profile', 404: 'no profile yet' },
      handle: async (ctx, { body }) => {
        ctx.body = await updateMyProfile(deps, callerOf(ctx).id, body);
      },
    }),
    route({
      method: 'get',
      path: '/profiles/:userId',
      summary: 'a profile with follower and following counts',
      access: 'user',
      params: userIdParams,
      output: profileOutput,
      responses: { 200: 'the profile', 404: 'no such profile' },
      handle: async (ctx, { params }) => {
        ctx.body = await getProfile(deps, params.userId);
      },
    }),
  ];
}
