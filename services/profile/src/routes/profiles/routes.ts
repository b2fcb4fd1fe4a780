import Router from '@koa/router';
import { parseInput, type TokenVerifier } from '@soulchat/platform';
import type { UseCaseDeps } from '../../usecases/deps.ts';
import { getProfile, updateMyProfile } from '../../usecases/profiles.ts';
import { callerId } from '../caller.ts';
import { updateProfileBody, userIdParams } from './schema.ts';

export function profilesRouter(deps: UseCaseDeps, verifier: TokenVerifier): Router {
  const router = new Router({ prefix: '/profiles' });
  const auth = verifier.requireUser;

  router.patch('/me', auth, async (ctx) => {
    const me = callerId(ctx);
    const changes = parseInput(updateProfileBody, ctx.request.body);
    ctx.body = await updateMyProfile(deps, me, changes);
  });

  router.get('/:userId', auth, async (ctx) => {
    callerId(ctx);
    const { userId } = parseInput(userIdParams, ctx.params);
    ctx.body = await getProfile(deps, userId);
  });

  return router;
}
