import { enqueueEvent, inUseCase, notFound } from '@soulchat/platform';
import { countFollows } from '../db/follows.repository.ts';
import { findProfile, findProfileForUpdate, searchProfiles, updateProfile } from '../db/profiles.repository.ts';
import { inTransaction } from '../db/transaction.ts';
import { applyChanges, type ProfileChanges, type ProfileView, toView } from '../domain/profile.ts';
import { encodeSearchCursor, prefixPattern, type SearchCursor } from '../domain/search.ts';
import { profileUpdated } from '../events/outgoing.ts';
import type { UseCaseDeps } from './deps.ts';

async function loadView(deps: UseCaseDeps, userId: string): Promise<ProfileView> {
  const profile = await findProfile(deps.db, userId);
  if (!profile) throw notFound('profile');
  return toView(profile, await countFollows(deps.db, userId));
}

/**
 * A profile with its follow counts, from the cache when it has it. A read racing a change can
 * put the old view back after the change invalidated it; the TTL bounds how long that lasts.
 */
export async function getProfile(deps: UseCaseDeps, userId: string): Promise<ProfileView> {
  const cached = await deps.cache.get(userId);
  if (cached) return cached;
  const view = await loadView(deps, userId);
  await deps.cache.put(view);
  return view;
}

/** What the owner sends: their picture as an upload of theirs, never a URL of their choosing. */
export type ProfileEdit = Omit<ProfileChanges, 'imageUrl'> & { avatarMediaId?: string | null | undefined };

/** Where anyone signed in loads a profile picture (the media service's public avatar route). */
export const avatarPath = (mediaId: string) => `/avatars/${mediaId}/thumb`;

/** The picture is made an avatar by the media service first (idempotent), then recorded here. */
async function changesOf(deps: UseCaseDeps, userId: string, edit: ProfileEdit): Promise<ProfileChanges> {
  const { avatarMediaId, ...rest } = edit;
  if (avatarMediaId === undefined) return rest;
  if (avatarMediaId === null) return { ...rest, imageUrl: null };
  await deps.attachAvatar(userId, avatarMediaId);
  return { ...rest, imageUrl: avatarPath(avatarMediaId) };
}

/** The owner edits their profile; the change and its event commit together. */
export async function updateMyProfile(deps: UseCaseDeps, userId: string, edit: ProfileEdit) {
  const fields = Object.keys(edit).join(',');
  return inUseCase(deps.service, 'update profile', { 'user.id': userId, 'profile.fields': fields }, async () => {
    const changes = await changesOf(deps, userId, edit);
    const changed = await inTransaction(deps.db, async (trx) => {
      const current = await findProfileForUpdate(trx, userId);
      if (!current) throw notFound('profile');
      const next = applyChanges(current, changes, new Date());
      if (!next) return false;
      await updateProfile(trx, next);
      await enqueueEvent(trx, profileUpdated(deps.service, next));
      return true;
    });
    if (changed) await deps.cache.invalidate([userId]);
    return loadView(deps, userId);
  });
}

export interface SearchPage {
  items: Array<{ userId: string; username: string; displayName: string; imageUrl: string | null }>;
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** People whose username or display name starts with `prefix`: public fields only. */
export async function searchPeople(
  deps: UseCaseDeps,
  callerId: string,
  query: { prefix: string; after?: SearchCursor; limit: number },
): Promise<SearchPage> {
  const rows = await searchProfiles(deps.db, {
    callerId,
    pattern: prefixPattern(query.prefix),
    ...(query.after ? { after: query.after } : {}),
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((p) => ({
      userId: p.userId,
      username: p.username,
      displayName: p.displayName,
      imageUrl: p.imageUrl,
    })),
    nextCursor: rows.length > query.limit && last ? encodeSearchCursor(last) : null,
  };
}
