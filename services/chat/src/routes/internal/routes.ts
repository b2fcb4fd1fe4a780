import { create } from '@bufbuild/protobuf';
import Router from '@koa/router';
import {
  ConversationMembersResponseSchema,
  decode,
  encode,
  PresenceRequestSchema,
  PresenceResponseSchema,
} from '@soulchat/contracts';
import { notFound, parseInput, readContract, requireSidecar } from '@soulchat/platform';
import { z } from 'zod';
import { findConversation, listMembers } from '../../db/conversations.repository.ts';
import type { Presence } from '../../events/presence.ts';
import type { ChatDeps } from '../../use-cases/deps.ts';

const presenceAsk = z.object({ userIds: z.array(z.string().min(1).max(36)).max(500) });
const conversationParams = z.object({ id: z.string().min(1).max(36) });

/** Operations for other services, through Dapr service invocation (proto/soulchat/chat/v1). */
export function internalRouter(deps: ChatDeps, presence: Presence, appApiToken: string): Router {
  const router = new Router({ prefix: '/internal' });
  router.use(requireSidecar(appApiToken));

  router.post('/presence', async (ctx) => {
    const request = readContract(() => decode(PresenceRequestSchema, ctx.request.body));
    const { userIds } = parseInput(presenceAsk, { userIds: request.userIds });
    const users = (await presence.read([...new Set(userIds)])).map((p) => ({ userId: p.userId, online: p.online }));
    ctx.body = encode(PresenceResponseSchema, create(PresenceResponseSchema, { users }));
  });

  router.get('/conversations/:id/members', async (ctx) => {
    const { id } = parseInput(conversationParams, ctx.params);
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
  });

  return router;
}
