import { AppError, firstDelivery, inUseCase } from '@soulchat/platform';
import { deleteAllBlocksOf } from '../db/blocks.repository.ts';
import { deleteAllFollowsOf, mutualFollows } from '../db/follows.repository.ts';
import {
  deleteProfile,
  existingProfiles,
  findProfile,
  insertProfileIfAbsent,
  lockProfiles,
} from '../db/profiles.repository.ts';
import { inTransaction } from '../db/transaction.ts';
import { newProfile, type Profile } from '../domain/profile.ts';
import type { UseCaseDeps } from './deps.ts';

export interface NewProfileInput {
  userId: string;
  username: string;
  displayName: string;
}

/**
 * Creates the profile of a new account. The registration saga retries, so a user that already
 * has a profile gets that one back (created: false) rather than an error.
 */
export async function createProfile(deps: UseCaseDeps, input: NewProfileInput) {
  return inUseCase(deps.service, 'create profile', { 'user.id': input.userId }, async () => {
    const created = await insertProfileIfAbsent(
      deps.db,
      newProfile(input.userId, input.username, input.displayName, new Date()),
    );
    const profile: Profile | undefined = await findProfile(deps.db, input.userId);
    // Only a deletion between the two statements gets here; the saga may simply retry.
    if (!profile) throw new AppError('CONFLICT', 'profile was deleted while being created');
    return { profile, created };
  });
}

/**
 * Removes everything this service holds about a user: profile, follows and blocks both ways.
 * With an event id it runs once per event (redeliveries return false and change nothing).
 * The caches of everyone whose counts changed are invalidated too.
 */
export async function removeUser(deps: UseCaseDeps, userId: string, eventId?: string): Promise<boolean> {
  return inUseCase(deps.service, 'remove user', { 'user.id': userId, 'event.id': eventId ?? '' }, async () => {
    const affected = await inTransaction(deps.db, async (trx) => {
      if (eventId !== undefined && !(await firstDelivery(trx, eventId))) return undefined;
      // The profile lock keeps new follows and blocks of this user out until the end.
      await lockProfiles(trx, [userId], 'update');
      const others = await deleteAllFollowsOf(trx, userId);
      await deleteAllBlocksOf(trx, userId);
      await deleteProfile(trx, userId);
      return others;
    });
    if (!affected) return false;
    await deps.cache.invalidate([userId, ...affected]);
    return true;
  });
}

/** Which of the candidates and the user follow each other (chat shows them each other's presence). */
export async function mutualFollowers(deps: UseCaseDeps, userId: string, candidateIds: string[]): Promise<string[]> {
  return mutualFollows(
    deps.db,
    userId,
    [...new Set(candidateIds)].filter((id) => id !== userId),
  );
}

/** Which of these users have a profile (exist and are not deleted). */
export async function knownUsers(deps: UseCaseDeps, userIds: string[]): Promise<string[]> {
  return existingProfiles(deps.db, [...new Set(userIds)]);
}
