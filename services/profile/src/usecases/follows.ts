import { enqueueEvent, forbidden, inUseCase, notFound } from '@soulchat/platform';
import { isBlockedEitherWayLocked } from '../db/blocks.repository.ts';
import { deleteFollow, insertFollowIfAbsent, listFollows } from '../db/follows.repository.ts';
import { findProfile } from '../db/profiles.repository.ts';
import { inTransaction } from '../db/transaction.ts';
import { type Cursor, encodeCursor } from '../domain/cursor.ts';
import type { FollowDirection } from '../domain/follow.ts';
import { followCreated } from '../events/outgoing.ts';
import type { UseCaseDeps } from './deps.ts';
import { lockPair, refuseSelf } from './pair.ts';

/** Idempotent: only the call that creates the follow records a follow.created event. */
export async function follow(deps: UseCaseDeps, me: string, target: string): Promise<void> {
  refuseSelf(me, target, 'follow');
  await inUseCase(deps.service, 'follow', { 'user.id': me, 'target.id': target }, async () => {
    const created = await inTransaction(deps.db, async (trx) => {
      await lockPair(trx, me, target, 'share');
      if (await isBlockedEitherWayLocked(trx, me, target)) throw forbidden('one of you blocked the other');
      const inserted = await insertFollowIfAbsent(trx, me, target, new Date());
      if (inserted) await enqueueEvent(trx, followCreated(deps.service, me, target));
      return inserted;
    });
    if (created) await deps.cache.invalidate([me, target]);
  });
}

/** Idempotent: unfollowing someone not followed (or gone) succeeds. */
export async function unfollow(deps: UseCaseDeps, me: string, target: string): Promise<void> {
  refuseSelf(me, target, 'unfollow');
  await inUseCase(deps.service, 'unfollow', { 'user.id': me, 'target.id': target }, async () => {
    if (await deleteFollow(deps.db, me, target)) await deps.cache.invalidate([me, target]);
  });
}

export interface FollowPageRequest {
  userId: string;
  direction: FollowDirection;
  after: Cursor | undefined;
  limit: number;
}

/** One page of a follow list; `next` is null on the last page. */
export async function followPage(deps: UseCaseDeps, request: FollowPageRequest) {
  if (!(await findProfile(deps.db, request.userId))) throw notFound('profile');
  // One extra row says whether another page exists, so the last page never comes back empty.
  const rows = await listFollows(deps.db, request.userId, request.direction, request.after, request.limit + 1);
  const items = rows.slice(0, request.limit);
  const last = items.at(-1);
  const next =
    rows.length > request.limit && last ? encodeCursor({ createdAt: last.since, userId: last.userId }) : null;
  return {
    items: items.map((e) => ({ ...e, since: e.since.toISOString() })),
    next,
  };
}
