import Router from '@koa/router';
import { type AuthState, parseInput, type TokenVerifier } from '@soulchat/platform';
import type { Presence } from '../../events/presence.ts';
import type { ChatDeps } from '../../use-cases/deps.ts';
import { edit, history, markRead, react, recall } from '../../use-cases/messages.ts';
import { visiblePresence } from '../../use-cases/presence.ts';
import { sendMessage } from '../../use-cases/send.ts';
import { idParams } from '../conversations/schema.ts';
import { editBody, historyQuery, messageParams, presenceQuery, reactionParams, readBody, sendBody } from './schema.ts';

export function messagesRouter(deps: ChatDeps, verifier: TokenVerifier, presence: Presence): Router {
  const router = new Router();
  router.use(verifier.requireUser);
  const me = (state: unknown) => (state as AuthState).user.id;

  router.get('/conversations/:id/messages', async (ctx) => {
    const { id } = parseInput(idParams, ctx.params);
    ctx.body = await history(deps, me(ctx.state), id, parseInput(historyQuery, ctx.query));
  });
  // The same send as the WebSocket's, for clients without a socket; the ack is the response.
  router.post('/conversations/:id/messages', async (ctx) => {
    const { id } = parseInput(idParams, ctx.params);
    const body = parseInput(sendBody, ctx.request.body);
    const result = await sendMessage(deps, me(ctx.state), { ...body, conversationId: id });
    ctx.status = result.duplicate ? 200 : 201;
    ctx.body = result;
  });
  router.post('/conversations/:id/read', async (ctx) => {
    const { id } = parseInput(idParams, ctx.params);
    const { seq } = parseInput(readBody, ctx.request.body);
    ctx.body = { conversationId: id, readSeq: await markRead(deps, me(ctx.state), id, seq) };
  });
  router.patch('/messages/:id', async (ctx) => {
    const { id } = parseInput(messageParams, ctx.params);
    const { content } = parseInput(editBody, ctx.request.body);
    ctx.body = await edit(deps, me(ctx.state), id, content);
  });
  router.delete('/messages/:id', async (ctx) => {
    const { id } = parseInput(messageParams, ctx.params);
    await recall(deps, me(ctx.state), id);
    ctx.status = 204;
  });
  router.put('/messages/:id/reactions/:emoji', async (ctx) => {
    const { id, emoji } = parseInput(reactionParams, ctx.params);
    ctx.body = { reactions: await react(deps, me(ctx.state), id, emoji, true) };
  });
  router.delete('/messages/:id/reactions/:emoji', async (ctx) => {
    const { id, emoji } = parseInput(reactionParams, ctx.params);
    ctx.body = { reactions: await react(deps, me(ctx.state), id, emoji, false) };
  });
  router.get('/presence', async (ctx) => {
    const { ids } = parseInput(presenceQuery, ctx.query);
    ctx.body = { items: await visiblePresence(deps, presence, me(ctx.state), ids) };
  });
  return router;
}
