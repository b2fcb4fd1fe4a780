import Router from '@koa/router';
import { AppError, parseInput, type TokenVerifier } from '@soulchat/platform';
import type { Context } from 'koa';
import { decodeCursor } from '../../domain/cursor.ts';
import type { FollowDirection } from '../../domain/follow.ts';
import { block, relationship, unblock } from '../../usecases/blocks.ts';
import type { UseCaseDeps } from '../../usecases/deps.ts';
import { follow, followPage, unfollow } from '../../usecases/follows.ts';
import { callerId } from '../caller.ts';
import { pageQuery, targetParams } from './schema.ts';

/** The caller and the user named in the path. */
function parties(ctx: Context): { me: string; target: string } {
  const me = callerId(ctx);
  return { me, target: parseInput(targetParams, ctx.params).userId };
}

function pageRequest(ctx: Context, direction: FollowDirection) {
  const { limit, cursor } = parseInput(pageQuery, ctx.query);
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !after) throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor from this list');
  return { userId: parties(ctx).target, direction, after, limit };
}

/** Follows, blocks and what they say about two users. */
export function relationsRouter(deps: UseCaseDeps, verifier: TokenVerifier): Router {
  const router = new Router({ prefix: '/profiles/:userId' });
  const auth = verifier.requireUser;
  const noContent = (ctx: Context) => {
    ctx.status = 204;
  };

  router.put('/follow', auth, async (ctx) => {
    const { me, target } = parties(ctx);
    await follow(deps, me, target);
    noContent(ctx);
  });
  router.delete('/follow', auth, async (ctx) => {
    const { me, target } = parties(ctx);
    await unfollow(deps, me, target);
    noContent(ctx);
  });
  router.put('/block', auth, async (ctx) => {
    const { me, target } = parties(ctx);
    await block(deps, me, target);
    noContent(ctx);
  });
  router.delete('/block', auth, async (ctx) => {
    const { me, target } = parties(ctx);
    await unblock(deps, me, target);
    noContent(ctx);
  });
  router.get('/relationship', auth, async (ctx) => {
    const { me, target } = parties(ctx);
    ctx.body = await relationship(deps, me, target);
  });
  router.get('/followers', auth, async (ctx) => {
    ctx.body = await followPage(deps, pageRequest(ctx, 'followers'));
  });
  router.get('/following', auth, async (ctx) => {
    ctx.body = await followPage(deps, pageRequest(ctx, 'following'));
  });

  return router;
}
