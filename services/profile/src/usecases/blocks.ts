import { enqueueEvent, inUseCase, notFound } from '@soulchat/platform';
import { blockStatus, deleteBlock, insertBlockIfAbsent, isBlockedEitherWay } from '../db/blocks.repository.ts';
import { deleteFollowsBetween, followStatus } from '../db/follows.repository.ts';
import { findProfile } from '../db/profiles.repository.ts';
import { inTransaction } from '../db/transaction.ts';
import type { Relationship } from '../domain/follow.ts';
import { blockChanged } from '../events/outgoing.ts';
import type { UseCaseDeps } from './deps.ts';
import { lockPair, refuseSelf } from './pair.ts';

/**
 * Idempotent; the follows between the two go in the same transaction as the block, and so does
 * its block.changed event (the chat service keeps its own copy of blocks from those events).
 */
export async function block(deps: UseCaseDeps, me: string, target: string): Promise<void> {
  refuseSelf(me, target, 'block');
  await inUseCase(deps.service, 'block', { 'user.id': me, 'target.id': target }, async () => {
    const removedFollows = await inTransaction(deps.db, async (trx) => {
      await lockPair(trx, me, target, 'update');
      if (await insertBlockIfAbsent(trx, me, target, new Date()))
        await enqueueEvent(trx, blockChanged(deps.service, me, target, true));
      return deleteFollowsBetween(trx, me, target);
    });
    if (removedFollows > 0) await deps.cache.invalidate([me, target]);
  });
}

/** Idempotent: unblocking someone not blocked (or gone) succeeds. */
export async function unblock(deps: UseCaseDeps, me: string, target: string): Promise<void> {
  refuseSelf(me, target, 'unblock');
  await inUseCase(deps.service, 'unblock', { 'user.id': me, 'target.id': target }, () =>
    inTransaction(deps.db, async (trx) => {
      if (await deleteBlock(trx, me, target)) await enqueueEvent(trx, blockChanged(deps.service, me, target, false));
    }),
  );
}

export async function relationship(deps: UseCaseDeps, me: string, other: string): Promise<Relationship> {
  if (!(await findProfile(deps.db, other))) throw notFound('profile');
  const [follows, blocks] = await Promise.all([followStatus(deps.db, me, other), blockStatus(deps.db, me, other)]);
  return { ...follows, ...blocks };
}

/** For other services (chat refuses messages between blocked users): either direction counts. */
export async function blockedEitherWay(deps: UseCaseDeps, a: string, b: string): Promise<boolean> {
  return a !== b && isBlockedEitherWay(deps.db, a, b);
}
