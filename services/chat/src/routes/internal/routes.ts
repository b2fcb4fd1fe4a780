import { create } from '@bufbuild/protobuf';
import {
  ConversationMembersResponseSchema,
  decode,
  encode,
  MessageExportPageSchema,
  PresenceRequestSchema,
  PresenceResponseSchema,
  UserConversationsResponseSchema,
} from '@soulchat/contracts';
import { notFound, parseInput, type Route, readContract, route } from '@soulchat/platform';
import { z } from 'zod';
import { conversationIdsOf, findConversation, listMembers } from '../../db/conversations.repository.ts';
import { messagesForExport } from '../../db/messages.repository.ts';
import { decodeExportCursor, encodeExportCursor, exportCursorMaxLength } from '../../domain/export-cursor.ts';
import { toView } from '../../domain/message.ts';
import type { Presence } from '../../events/presence.ts';
import type { ChatDeps } from '../../use-cases/deps.ts';

const presenceAsk = z.object({ userIds: z.array(z.string().min(1).max(36)).max(500) });
const conversationParams = z.object({ id: z.string().min(1).max(36) });
const userParams = z.object({ id: z.string().min(1).max(36) });
const exportQuery = z.object({
  // The previous page's nextCursor; absent or empty for the first page.
  after: z
    .string()
    .max(exportCursorMaxLength)
    .transform((text, ctx) => {
      if (text === '') return undefined;
      const afterId = decodeExportCursor(text);
      if (afterId === undefined) ctx.addIssue({ code: 'custom', message: 'not a cursor from this export' });
      return afterId;
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/** Operations for other services, through Dapr service invocation (proto/soulchat/chat/v1). */
export function internalRoutes(deps: ChatDeps, presence: Presence): Route[] {
  return [
    route({
      method: 'post',
      path: '/internal/presence',
      summary: 'which users have a device connected (PresenceRequest)',
      access: 'sidecar',
      responses: { 200: 'PresenceResponse' },
      handle: async (ctx) => {
        // The body is a proto contract, decoded by its generated type, then bounded.
        const request = readContract(() => decode(PresenceRequestSchema, ctx.request.body));
        const { userIds } = parseInput(presenceAsk, { userIds: request.userIds });
        const read = await presence.read([...new Set(userIds)]);
        const users = read.map((p) => ({ userId: p.userId, online: p.online }));
        ctx.body = encode(PresenceResponseSchema, create(PresenceResponseSchema, { users }));
      },
    }),
    route({
      method: 'get',
      path: '/internal/conversations/:id/members',
      summary: "a conversation's members",
      access: 'sidecar',
      params: conversationParams,
      responses: { 200: 'ConversationMembersResponse', 404: 'no such conversation' },
      handle: async (ctx, { params: { id } }) => {
        const conversation = await findConversation(deps.db, id);
        if (!conversation) throw notFound('conversation');
        const memberIds = (await listMembers(deps.db, id)).map((m) => m.user_id);
        ctx.body = encode(
          ConversationMembersResponseSchema,
          create(ConversationMembersResponseSchema, {
            conversationId: id,
            kind: conversation.kind,
            name: conversation.name ?? '',
            memberIds,
          }),
        );
      },
    }),
    route({
      method: 'get',
      path: '/internal/users/:id/conversations',
      summary: 'the conversations a user is a member of now',
      access: 'sidecar',
      params: userParams,
      responses: { 200: 'UserConversationsResponse' },
      handle: async (ctx, { params: { id } }) => {
        const conversationIds = await conversationIdsOf(deps.db, id);
        ctx.body = encode(
          UserConversationsResponseSchema,
          create(UserConversationsResponseSchema, { userId: id, conversationIds }),
        );
      },
    }),
    route({
      method: 'get',
      path: '/internal/messages/export',
      summary: 'every stored message, page by page in a stable order (MessageExportPage)',
      access: 'sidecar',
      query: exportQuery,
      responses: { 200: 'MessageExportPage' },
      handle: async (ctx, { query: { after, limit } }) => {
        // One row past the page says whether another page follows.
        const rows = await messagesForExport(deps.db, after, limit + 1);
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        const messages = page.map((row) => {
          // The same view the client gets: recalled content blanked, times as toISOString.
          const view = toView(row);
          return {
            messageId: view.id,
            conversationId: view.conversationId,
            seq: BigInt(row.seq),
            senderId: view.senderId,
            kind: view.kind,
            content: view.content,
            createdAt: view.createdAt,
            editedAt: view.editedAt ?? '',
            deleted: view.deleted,
          };
        });
        ctx.body = encode(
          MessageExportPageSchema,
          create(MessageExportPageSchema, {
            messages,
            nextCursor: rows.length > limit && last ? encodeExportCursor(last.id) : '',
          }),
        );
      },
    }),
  ];
}
