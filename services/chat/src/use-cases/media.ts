import { attachMedia } from '@soulchat/platform';
import type { MediaAttachment } from '../domain/protocol.ts';
import type { ChatDeps } from './deps.ts';

/**
 * Puts the sender's upload into the conversation (the media service checks it is theirs and
 * unused elsewhere) and returns what the message records of it. Only for sends that passed their checks.
 */
export async function attachUpload(
  deps: Pick<ChatDeps, 'dapr' | 'log'>,
  request: { mediaId: string; ownerId: string; conversationId: string },
): Promise<MediaAttachment> {
  const info = await attachMedia(deps.dapr, deps.log, request);
  return {
    mediaId: info.mediaId,
    kind: info.kind === 'image' ? 'image' : 'file',
    mimeType: info.mimeType,
    name: info.name,
    size: Number(info.sizeBytes),
    width: info.width,
    height: info.height,
    hasThumbnail: info.hasThumbnail,
  };
}

/** The uploads a stored attachment names (old link attachments name none). */
export function mediaIdsOf(attachmentJson: string | null): string[] {
  if (!attachmentJson) return [];
  const parsed = JSON.parse(attachmentJson) as { mediaId?: unknown };
  return typeof parsed.mediaId === 'string' ? [parsed.mediaId] : [];
}
