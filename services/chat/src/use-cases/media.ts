import { create } from '@bufbuild/protobuf';
import { AttachMediaRequestSchema, decode, encode, MediaInfoSchema } from '@soulchat/contracts';
import { AppError, appIds, conflict, DaprError, notFound } from '@soulchat/platform';
import type { MediaAttachment } from '../domain/protocol.ts';
import type { ChatDeps } from './deps.ts';

function refusal(err: unknown): AppError {
  if (err instanceof DaprError && err.status === 404) return notFound('media (upload it first, as the sender)');
  if (err instanceof DaprError && err.status === 409)
    return conflict('that upload was already sent in another conversation');
  return new AppError('UNAVAILABLE', 'attachments cannot be checked right now; try again', undefined, {
    'retry-after': '2',
  });
}

/**
 * Asks the media service to put the sender's upload into the conversation (proto/soulchat/media/v1)
 * and returns what the message records of it. Called only for sends that passed their checks.
 */
export async function attachUpload(
  deps: Pick<ChatDeps, 'dapr' | 'log'>,
  request: { mediaId: string; ownerId: string; conversationId: string },
): Promise<MediaAttachment> {
  let body: unknown;
  try {
    body = await deps.dapr.invoke(appIds.media, 'internal/media/attach', {
      body: encode(AttachMediaRequestSchema, create(AttachMediaRequestSchema, request)),
    });
  } catch (err) {
    if (!(err instanceof DaprError && [404, 409].includes(err.status))) deps.log.warn({ err }, 'media attach failed');
    throw refusal(err);
  }
  const info = decode(MediaInfoSchema, body);
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
