import { create } from '@bufbuild/protobuf';
import { AttachMediaRequestSchema, decode, encode, MediaInfoSchema } from '@soulchat/contracts';
import { parseInput, type Route, readContract, route } from '@soulchat/platform';
import { z } from 'zod';
import type { MediaRow } from '../../db/schema.ts';
import { attachMedia } from '../../use-cases/attach.ts';
import type { MediaDeps } from '../../use-cases/deps.ts';

const attachFields = z
  .object({
    mediaId: z.uuid(),
    ownerId: z.string().min(1).max(36),
    conversationId: z.string().max(36),
    avatar: z.boolean(),
  })
  .refine((r) => r.avatar === (r.conversationId === ''), 'a conversation id, or avatar, not both');

const mediaInfo = (row: MediaRow) =>
  encode(
    MediaInfoSchema,
    create(MediaInfoSchema, {
      mediaId: row.id,
      kind: row.kind,
      mimeType: row.mime_type,
      name: row.name,
      sizeBytes: BigInt(row.size_bytes),
      width: row.width,
      height: row.height,
      hasThumbnail: row.kind === 'image',
    }),
  );

/** Operations for other services, through Dapr service invocation (proto/soulchat/media/v1). */
export function internalRoutes(deps: MediaDeps): Route[] {
  return [
    route({
      method: 'post',
      path: '/internal/media/attach',
      summary: 'put an upload into a conversation before its message is stored (AttachMediaRequest -> MediaInfo)',
      access: 'sidecar',
      responses: { 200: 'MediaInfo', 404: "no such upload of this owner's", 409: 'already in another conversation' },
      handle: async (ctx) => {
        const request = readContract(() => decode(AttachMediaRequestSchema, ctx.request.body));
        const input = parseInput(attachFields, request);
        ctx.body = mediaInfo(await attachMedia(deps, input));
      },
    }),
  ];
}
