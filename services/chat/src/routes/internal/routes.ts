import { create } from '@bufbuild/protobuf';
import {
  ConversationMembersResponseSchema,
  decode,
  encode,
  PresenceRequestSchema,
  PresenceResponseSchema,
} from '@soulchat/contracts';
import { notFound, parseInput, type Route, readContract, route } from '@soulchat/platform';
import { z } from 'zod';
import { findConversation, listMembers } from '../../db/conversations.repository.ts';
import type { Presence } from '../../events/presence.ts';
import type { ChatDeps } from '../../use-cases/deps.ts';

const presenceAsk = z.object({ userIds: z.array(z.string().min(1).max(36)).max(500) });
const conversationParams = z.object({ id: z.string().min(1).max(36) });

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
  ];
}
