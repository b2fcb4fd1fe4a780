import { callerOf, type Route, route } from '@soulchat/platform';
import type { UseCaseDeps } from '../../usecases/deps.ts';
import { getProfile, updateMyProfile } from '../../usecases/profiles.ts';
import { updateProfileBody, userIdParams } from './schema.ts';

/** Reading profiles, and editing one's own. */
export function profilesRoutes(deps: UseCaseDeps): Route[] {
  return [
    route({
      method: 'patch',
      path: '/profiles/me',
      summary: 'edit my profile',
      access: 'user',
      body: updateProfileBody,
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
      responses: { 200: 'the profile', 404: 'no such profile' },
      handle: async (ctx, { params }) => {
        ctx.body = await getProfile(deps, params.userId);
      },
    }),
  ];
}
