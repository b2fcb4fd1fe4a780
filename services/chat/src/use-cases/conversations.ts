import { randomUUID } from 'node:crypto';
import { AppError, forbidden, notFound } from '@soulchat/platform';
import { blockedWith } from '../db/blocks.repository.ts';
import {
  addMember,
  conversationsOf,
  countMembers,
  findConversation,
  findDirect,
  findMember,
  insertConversation,
  listMembers,
  removeMember,
  setRole,
  updateGroup,
} from '../db/conversations.repository.ts';
import type { MemberRole } from '../db/schema.ts';
import { canEditGroup, canManage, directKey } from '../domain/conversation.ts';
import { recordMembersChanged } from '../events/outgoing.ts';
import { eitherBlocked, requireKnownUsers, requireMember } from './access.ts';
import type { ChatDeps } from './deps.ts';

const isDuplicate = (err: unknown) => (err as { code?: string }).code === 'ER_DUP_ENTRY';

export async function describeConversation(deps: ChatDeps, id: string, userId: string) {
  await requireMember(deps.db, id, userId);
  const conversation = await findConversation(deps.db, id);
  if (!conversation) throw notFound('conversation');
  const members = await listMembers(deps.db, id);
  return {
    id,
    kind: conversation.kind,
    name: conversation.name,
    description: conversation.description,
    lastSeq: Number(conversation.last_seq),
    members: members.map((m) => ({ userId: m.user_id, role: m.role, readSeq: Number(m.read_seq) })),
  };
}

/** The one direct conversation between two users, created on first use. */
export async function openDirect(deps: ChatDeps, userId: string, otherId: string) {
  if (otherId === userId) throw new AppError('BAD_REQUEST', 'a direct conversation needs another user');
  if (await eitherBlocked(deps.dapr, userId, otherId)) throw forbidden('messages between these users are blocked');
  const key = directKey(userId, otherId);
  const existing = await findDirect(deps.db, key);
  if (existing) return describeConversation(deps, existing.id, userId);
  const id = randomUUID();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await insertConversation(trx, {
        id,
        kind: 'direct',
        directKey: key,
        name: '',
        description: '',
        createdBy: userId,
      });
      await addMember(trx, id, userId, 'member');
      await addMember(trx, id, otherId, 'member');
    });
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    const winner = await findDirect(deps.db, key);
    if (!winner) throw err;
    return describeConversation(deps, winner.id, userId);
  }
  return describeConversation(deps, id, userId);
}

/** Nobody is put into a group by someone they blocked (or who blocked them): chat's copy of blocks. */
async function refuseBlocked(deps: ChatDeps, actorId: string, userIds: string[]): Promise<void> {
  if ((await blockedWith(deps.db, actorId, userIds)).size > 0)
    throw forbidden('you cannot add someone who blocked you or whom you blocked');
}

export async function createGroup(
  deps: ChatDeps,
  ownerId: string,
  input: { name: string; description: string; memberIds: string[] },
) {
  const others = [...new Set(input.memberIds)].filter((m) => m !== ownerId);
  if (others.length + 1 > deps.config.GROUP_MEMBER_LIMIT) {
    throw new AppError('BAD_REQUEST', `a group has at most ${deps.config.GROUP_MEMBER_LIMIT} members`);
  }
  await refuseBlocked(deps, ownerId, others);
  await requireKnownUsers(deps.dapr, others);
  const id = randomUUID();
  await deps.db.transaction().execute(async (trx) => {
    await insertConversation(trx, {
      id,
      kind: 'group',
      directKey: null,
      name: input.name,
      description: input.description,
      createdBy: ownerId,
    });
    await addMember(trx, id, ownerId, 'owner');
    for (const member of others) await addMember(trx, id, member, 'member');
    if (others.length > 0) {
      await recordMembersChanged(trx, {
        conversationId: id,
        groupName: input.name,
        actorId: ownerId,
        addedIds: others,
      });
    }
  });
  deps.nudgeRelay();
  return describeConversation(deps, id, ownerId);
}

async function requireGroupRole(deps: ChatDeps, id: string, userId: string): Promise<MemberRole> {
  return (await requireGroup(deps, id, userId)).role;
}

/** The caller's role in a group and the group's name (membership events name the group). */
async function requireGroup(deps: ChatDeps, id: string, userId: string): Promise<{ role: MemberRole; name: string }> {
  const member = await requireMember(deps.db, id, userId);
  const conversation = await findConversation(deps.db, id);
  if (conversation?.kind !== 'group') throw new AppError('BAD_REQUEST', 'this is not a group');
  return { role: member.role, name: conversation.name ?? '' };
}

export async function editGroup(
  deps: ChatDeps,
  id: string,
  userId: string,
  changes: { name?: string; description?: string },
) {
  if (!canEditGroup(await requireGroupRole(deps, id, userId))) throw forbidden('only owners and admins edit a group');
  await updateGroup(deps.db, id, changes);
  return describeConversation(deps, id, userId);
}

export async function addGroupMember(deps: ChatDeps, id: string, actorId: string, userId: string, role: MemberRole) {
  const { role: actorRole, name: groupName } = await requireGroup(deps, id, actorId);
  const target = await findMember(deps.db, id, userId);
  if (target) return describeConversation(deps, id, actorId);
  if (role === 'owner' || !canManage(actorRole, undefined, role))
    throw forbidden('you cannot add members with that role');
  await refuseBlocked(deps, actorId, [userId]);
  await requireKnownUsers(deps.dapr, [userId]);
  if ((await countMembers(deps.db, id)) >= deps.config.GROUP_MEMBER_LIMIT) {
    throw new AppError('CONFLICT', `the group is full (${deps.config.GROUP_MEMBER_LIMIT} members)`);
  }
  await deps.db.transaction().execute(async (trx) => {
    await addMember(trx, id, userId, role);
    await recordMembersChanged(trx, { conversationId: id, groupName, actorId, addedIds: [userId] });
  });
  deps.nudgeRelay();
  return describeConversation(deps, id, actorId);
}

/** Removes a member (or lets a member leave). An owner must hand the group over first. */
export async function removeGroupMember(deps: ChatDeps, id: string, actorId: string, userId: string): Promise<void> {
  const { role: actorRole, name: groupName } = await requireGroup(deps, id, actorId);
  const target = await findMember(deps.db, id, userId);
  if (!target) return;
  if (target.role === 'owner') throw new AppError('CONFLICT', 'the owner must transfer ownership before leaving');
  if (actorId !== userId && !canManage(actorRole, target.role)) throw forbidden('you cannot remove that member');
  await deps.db.transaction().execute(async (trx) => {
    await removeMember(trx, id, userId);
    await recordMembersChanged(trx, { conversationId: id, groupName, actorId, removedIds: [userId] });
  });
  deps.nudgeRelay();
}

export async function changeRole(deps: ChatDeps, id: string, actorId: string, userId: string, role: MemberRole) {
  const actorRole = await requireGroupRole(deps, id, actorId);
  const target = await findMember(deps.db, id, userId);
  if (!target) throw notFound('member');
  if (role === 'owner' || actorRole !== 'owner' || target.role === 'owner')
    throw forbidden('only the owner changes roles');
  await setRole(deps.db, id, userId, role);
  return describeConversation(deps, id, actorId);
}

export async function transferOwnership(deps: ChatDeps, id: string, ownerId: string, userId: string) {
  if ((await requireGroupRole(deps, id, ownerId)) !== 'owner') throw forbidden('only the owner transfers ownership');
  if (!(await findMember(deps.db, id, userId))) throw notFound('member');
  await deps.db.transaction().execute(async (trx) => {
    await setRole(trx, id, userId, 'owner');
    await setRole(trx, id, ownerId, 'admin');
  });
  return describeConversation(deps, id, ownerId);
}

export async function myConversations(deps: ChatDeps, userId: string) {
  const rows = await conversationsOf(deps.db, userId);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    role: r.role,
    lastSeq: Number(r.last_seq),
    unread: Math.max(0, Number(r.last_seq) - Number(r.read_seq)),
  }));
}
