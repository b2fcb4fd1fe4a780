import { type Route, route } from '@soulchat/platform';
import { messageView } from '../../domain/protocol.ts';
import type { Presence } from '../../events/presence.ts';
import type { ChatDeps } from '../../use-cases/deps.ts';
import { edit, history, markRead, react, recall } from '../../use-cases/messages.ts';
import { visiblePresence } from '../../use-cases/presence.ts';
import { sendMessage } from '../../use-cases/send.ts';
import { me, memberOnly } from '../conversations/routes.ts';
import { idParams } from '../conversations/schema.ts';
import {
  editBody,
  historyOutput,
  historyQuery,
  messageParams,
  presenceOutput,
  presenceQuery,
  reactionParams,
  reactionsOutput,
  readBody,
  readOutput,
  sendBody,
  sendOutput,
} from './schema.ts';

const notYours = { 403: 'not yours, or too late', 404: 'no such message' };

export function messageRoutes(deps: ChatDeps, presence: Presence): Route[] {
  return [...conversationMessageRoutes(deps), ...ownMessageRoutes(deps), presenceRoute(deps, presence)];
}

function conversationMessageRoutes(deps: ChatDeps): Route[] {
  return [
    route({
      method: 'get',
      path: '/conversations/:id/messages',
      summary: 'history, by sequence number',
      access: 'user',
      params: idParams,
      query: historyQuery,
      output: historyOutput,
      responses: { 200: '{items}', ...memberOnly },
      handle: async (ctx, { params, query }) => {
        ctx.body = await history(deps, me(ctx), params.id, query);
      },
    }),
    // The same send as the WebSocket's, for clients without a socket; the ack is the response.
    route({
      method: 'post',
      path: '/conversations/:id/messages',
      summary: 'send (the same as a WebSocket send); the ack is the response',
      access: 'user',
      params: idParams,
      body: sendBody,
      output: sendOutput,
      responses: { 200: 'a resend: the stored message', 201: 'stored', 409: 'client id used elsewhere', ...memberOnly },
      handle: async (ctx, { params, body }) => {
        const result = await sendMessage(deps, me(ctx), { ...body, conversationId: params.id });
        ctx.status = result.duplicate ? 200 : 201;
        ctx.body = result;
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/read',
      summary: 'read receipt up to a sequence number',
      access: 'user',
      params: idParams,
      body: readBody,
      output: readOutput,
      responses: { 200: '{conversationId, readSeq}', ...memberOnly },
      handle: async (ctx, { params, body }) => {
        ctx.body = { conversationId: params.id, readSeq: await markRead(deps, me(ctx), params.id, body.seq) };
      },
    }),
  ];
}

function ownMessageRoutes(deps: ChatDeps): Route[] {
  const reaction = (method: 'put' | 'delete', summary: string, add: boolean) =>
    route({
      method,
      path: '/messages/:id/reactions/:emoji',
      summary,
      access: 'user',
      params: reactionParams,
      output: reactionsOutput,
      responses: { 200: '{reactions}', ...memberOnly },
      handle: async (ctx, { params }) => {
        ctx.body = { reactions: await react(deps, me(ctx), params.id, params.emoji, add) };
      },
    });
  return [
    route({
      method: 'patch',
      path: '/messages/:id',
      summary: 'edit my message within the edit window',
      access: 'user',
      params: messageParams,
      body: editBody,
      output: messageView,
      responses: { 200: 'the message', 409: 'recalled', ...notYours },
      handle: async (ctx, { params, body }) => {
        ctx.body = await edit(deps, me(ctx), params.id, body.content);
      },
    }),
    route({
      method: 'delete',
      path: '/messages/:id',
      summary: 'recall my message within the edit window',
      access: 'user',
      params: messageParams,
      responses: { 204: 'recalled', ...notYours },
      handle: async (ctx, { params }) => {
        await recall(deps, me(ctx), params.id);
        ctx.status = 204;
      },
    }),
    reaction('put', 'react', true),
    reaction('delete', 'take a reaction back', false),
  ];
}

function presenceRoute(deps: ChatDeps, presence: Presence): Route {
  return route({
    method: 'get',
    path: '/presence',
    summary:
      'online and last seen of up to 100 users: only oneself, people sharing a conversation and mutual followers, never across a block',
    access: 'user',
    query: presenceQuery,
    output: presenceOutput,
    responses: { 200: '{items}' },
    handle: async (ctx, { query }) => {
      ctx.body = { items: await visiblePresence(deps, presence, me(ctx), query.ids) };
    },
  });
}
