import { callerOf, type Route, route } from '@soulchat/platform';
import type { Context } from 'koa';
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
  conversationListOutput,
  conversationOutput,
  createGroupBody,
  editGroupBody,
  idParams,
  memberParams,
  openDirectBody,
  setRoleBody,
  transferBody,
} from './schema.ts';

/** The caller, as the access token named them (every route here is a `user` route). */
export const me = (ctx: Context) => callerOf(ctx).id;

// Members only: a conversation that exists but is not yours is a 403, one that does not exist a 404.
export const memberOnly = { 403: 'not a member (or not allowed)', 404: 'no such conversation' };

export function conversationRoutes(deps: ChatDeps): Route[] {
  return [
    route({
      method: 'get',
      path: '/conversations',
      summary: 'my conversations with unread counts',
      access: 'user',
      output: conversationListOutput,
      responses: { 200: '{items}' },
      handle: async (ctx) => {
        ctx.body = { items: await myConversations(deps, me(ctx)) };
      },
    }),
    route({
      method: 'post',
      path: '/conversations/direct',
      summary: 'open (or find) the direct conversation with a user',
      access: 'user',
      body: openDirectBody,
      output: conversationOutput,
      responses: { 200: 'the conversation', 403: 'one of you blocked the other' },
      handle: async (ctx, { body }) => {
        ctx.body = await openDirect(deps, me(ctx), body.userId);
      },
    }),
    route({
      method: 'get',
      path: '/conversations/:id',
      summary: 'a conversation and its members',
      access: 'user',
      params: idParams,
      output: conversationOutput,
      responses: { 200: 'the conversation', ...memberOnly },
      handle: async (ctx, { params }) => {
        ctx.body = await describeConversation(deps, params.id, me(ctx));
      },
    }),
    ...groupRoutes(deps),
  ];
}

function groupRoutes(deps: ChatDeps): Route[] {
  return [
    route({
      method: 'post',
      path: '/groups',
      summary: 'create a group',
      access: 'user',
      body: createGroupBody,
      output: conversationOutput,
      responses: { 201: 'the group' },
      handle: async (ctx, { body }) => {
        ctx.status = 201;
        ctx.body = await createGroup(deps, me(ctx), body);
      },
    }),
    route({
      method: 'patch',
      path: '/groups/:id',
      summary: "edit a group's name or description (owner or admin)",
      access: 'user',
      params: idParams,
      body: editGroupBody,
      output: conversationOutput,
      responses: { 200: 'the group', ...memberOnly },
      handle: async (ctx, { params, body }) => {
        ctx.body = await editGroup(deps, params.id, me(ctx), {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
        });
      },
    }),
    ...memberRoutes(deps),
  ];
}

function memberRoutes(deps: ChatDeps): Route[] {
  return [
    route({
      method: 'post',
      path: '/groups/:id/members',
      summary: 'add a member',
      access: 'user',
      params: idParams,
      body: addMemberBody,
      output: conversationOutput,
      responses: { 200: 'the group', 409: 'the group is full', ...memberOnly },
      handle: async (ctx, { params, body }) => {
        ctx.body = await addGroupMember(deps, params.id, me(ctx), body.userId, body.role);
      },
    }),
    route({
      method: 'delete',
      path: '/groups/:id/members/:userId',
      summary: 'remove a member, or leave',
      access: 'user',
      params: memberParams,
      responses: { 204: 'removed', 409: 'the owner must transfer first', ...memberOnly },
      handle: async (ctx, { params }) => {
        await removeGroupMember(deps, params.id, me(ctx), params.userId);
        ctx.status = 204;
      },
    }),
    route({
      method: 'patch',
      path: '/groups/:id/members/:userId',
      summary: "change a member's role (owner only)",
      access: 'user',
      params: memberParams,
      body: setRoleBody,
      output: conversationOutput,
      responses: { 200: 'the group', ...memberOnly },
      handle: async (ctx, { params, body }) => {
        ctx.body = await changeRole(deps, params.id, me(ctx), params.userId, body.role);
      },
    }),
    route({
      method: 'post',
      path: '/groups/:id/owner',
      summary: 'transfer ownership',
      access: 'user',
      params: idParams,
      body: transferBody,
      output: conversationOutput,
      responses: { 200: 'the group', ...memberOnly },
      handle: async (ctx, { params, body }) => {
        ctx.body = await transferOwnership(deps, params.id, me(ctx), body.userId);
      },
    }),
  ];
}
