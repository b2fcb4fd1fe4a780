import { AppError, callerOf, type Route, route } from '@soulchat/platform';
import { type Cursor, decodeCursor } from '../../domain/cursor.ts';
import type { FollowDirection } from '../../domain/follow.ts';
import { block, relationship, unblock } from '../../usecases/blocks.ts';
import type { UseCaseDeps } from '../../usecases/deps.ts';
import { follow, followPage, unfollow } from '../../usecases/follows.ts';
import { pageQuery, relationshipOutput, targetParams } from './schema.ts';

/** A use case changing how the caller relates to another user. */
type RelationChange = (deps: UseCaseDeps, me: string, target: string) => Promise<void>;

/** Following or blocking, or undoing it: idempotent, so a 204 whether or not anything changed. */
function relationChangeRoute(
  deps: UseCaseDeps,
  method: 'put' | 'delete',
  what: 'follow' | 'block',
  summary: string,
  change: RelationChange,
  responses: Record<number, string> = {},
): Route {
  return route({
    method,
    path: `/profiles/:userId/${what}`,
    summary,
    access: 'user',
    params: targetParams,
    responses: { 204: 'done (idempotent)', 400: 'invalid input, or the caller themselves', ...responses },
    handle: async (ctx, { params }) => {
      await change(deps, callerOf(ctx).id, params.userId);
      ctx.status = 204;
    },
  });
}

/** The position a client's cursor names; one this service did not issue is the client's mistake. */
function positionAfter(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor);
  if (!after) throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor from this list');
  return after;
}

function followPageRoute(deps: UseCaseDeps, direction: FollowDirection): Route {
  return route({
    method: 'get',
    path: `/profiles/:userId/${direction}`,
    summary: `${direction}, newest first`,
    access: 'user',
    params: targetParams,
    query: pageQuery,
    responses: { 200: '{items, next}', 404: 'no such profile' },
    handle: async (ctx, { params, query }) => {
      const after = positionAfter(query.cursor);
      ctx.body = await followPage(deps, { userId: params.userId, direction, after, limit: query.limit });
    },
  });
}

/** Follows, blocks and what they say about two users. */
export function relationsRoutes(deps: UseCaseDeps): Route[] {
  return [
    relationChangeRoute(deps, 'put', 'follow', 'follow', follow, {
      403: 'one of you blocked the other, or your account has no profile',
      404: 'no such profile',
    }),
    relationChangeRoute(deps, 'delete', 'follow', 'unfollow', unfollow),
    relationChangeRoute(deps, 'put', 'block', 'block (removes follows both ways)', block, {
      403: 'your account has no profile',
      404: 'no such profile',
    }),
    relationChangeRoute(deps, 'delete', 'block', 'unblock', unblock),
    route({
      method: 'get',
      path: '/profiles/:userId/relationship',
      summary: '{following, followedBy, blocking, blockedBy}',
      access: 'user',
      params: targetParams,
      output: relationshipOutput,
      responses: { 200: 'the relationship', 404: 'no such profile' },
      handle: async (ctx, { params }) => {
        ctx.body = await relationship(deps, callerOf(ctx).id, params.userId);
      },
    }),
    followPageRoute(deps, 'followers'),
    followPageRoute(deps, 'following'),
  ];
}
