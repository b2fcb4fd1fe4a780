import Router from '@koa/router';
import { type AuthState, parseInput, type TokenVerifier } from '@soulchat/platform';
import {
  addGroupMember,
  changeRole,
  createGroup,
  describeConversation,
  editGroup,
  myConversations,
  openDirect,
  removeGroupMember,
  transferOwnership,
} from '../../use-cases/conversations.ts';
import type { ChatDeps } from '../../use-cases/deps.ts';
import {
  addMemberBody,
  createGroupBody,
  editGroupBody,
  idParams,
  memberParams,
  openDirectBody,
  setRoleBody,
  transferBody,
} from './schema.ts';

export function conversationsRouter(deps: ChatDeps, verifier: TokenVerifier): Router {
  const router = new Router();
  router.use(verifier.requireUser);
  const me = (state: unknown) => (state as AuthState).user.id;

  router.get('/conversations', async (ctx) => {
    ctx.body = { items: await myConversations(deps, me(ctx.state)) };
  });
  router.post('/conversations/direct', async (ctx) => {
    const { userId } = parseInput(openDirectBody, ctx.request.body);
    ctx.body = await openDirect(deps, me(ctx.state), userId);
  });
  router.get('/conversations/:id', async (ctx) => {
    const { id } = parseInput(idParams, ctx.params);
    ctx.body = await describeConversation(deps, id, me(ctx.state));
  });
  router.post('/groups', async (ctx) => {
    ctx.status = 201;
    ctx.body = await createGroup(deps, me(ctx.state), parseInput(createGroupBody, ctx.request.body));
  });
  router.patch('/groups/:id', async (ctx) => {
    const { id } = parseInput(idParams, ctx.params);
    const changes = parseInput(editGroupBody, ctx.request.body);
    ctx.body = await editGroup(deps, id, me(ctx.state), {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
    });
  });
  router.post('/groups/:id/members', async (ctx) => {
    const { id } = parseInput(idParams, ctx.params);
    const { userId, role } = parseInput(addMemberBody, ctx.request.body);
    ctx.body = await addGroupMember(deps, id, me(ctx.state), userId, role);
  });
  router.delete('/groups/:id/members/:userId', async (ctx) => {
    const { id, userId } = parseInput(memberParams, ctx.params);
    await removeGroupMember(deps, id, me(ctx.state), userId);
    ctx.status = 204;
  });
  router.patch('/groups/:id/members/:userId', async (ctx) => {
    const { id, userId } = parseInput(memberParams, ctx.params);
    const { role } = parseInput(setRoleBody, ctx.request.body);
    ctx.body = await changeRole(deps, id, me(ctx.state), userId, role);
  });
  router.post('/groups/:id/owner', async (ctx) => {
    const { id } = parseInput(idParams, ctx.params);
    const { userId } = parseInput(transferBody, ctx.request.body);
    ctx.body = await transferOwnership(deps, id, me(ctx.state), userId);
  });
  return router;
}
