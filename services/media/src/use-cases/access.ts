import { ConversationMembersResponseSchema, decode } from '@soulchat/contracts';
import { AppError, appIds, DaprError, notFound } from '@soulchat/platform';
import { findMedia } from '../db/media.repository.ts';
import type { MediaRow } from '../db/schema.ts';
import type { MediaDeps } from './deps.ts';

/** Whether the user is a member of the conversation right now (asked of chat, which owns it). */
async function isMember(deps: MediaDeps, userId: string, conversationId: string): Promise<boolean> {
  try {
    const body = await deps.dapr.invoke(appIds.chat, `internal/conversations/${conversationId}/members`);
    return decode(ConversationMembersResponseSchema, body).memberIds.includes(userId);
  } catch (err) {
    if (err instanceof DaprError && err.status === 404) return false;
    deps.log.warn({ err, conversationId }, 'membership check failed');
    throw new AppError('UNAVAILABLE', 'cannot check membership right now; try again', undefined, {
      'retry-after': '2',
    });
  }
}

/**
 * The upload, if this user may see it: its uploader, a member of the conversation a message put
 * it in, or anyone for a profile picture. Others get the same 404 as for an upload that does not exist.
 */
export async function visibleMedia(deps: MediaDeps, userId: string, mediaId: string): Promise<MediaRow> {
  const row = await findMedia(deps.db, mediaId);
  if (!row) throw notFound('media');
  if (row.owner_id === userId || row.avatar) return row;
  if (row.conversation_id && (await isMember(deps, userId, row.conversation_id))) return row;
  throw notFound('media');
}
