import { create } from '@bufbuild/protobuf';
import {
  BlockCheckRequestSchema,
  BlockCheckResponseSchema,
  decode,
  encode,
  KnownProfilesRequestSchema,
  KnownProfilesResponseSchema,
  MutualFollowsRequestSchema,
  MutualFollowsResponseSchema,
} from '@soulchat/contracts';
import { AppError, appIds, type DaprClient, forbidden, notFound } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { findConversation, findMember } from '../db/conversations.repository.ts';
import type { Database, MemberRow } from '../db/schema.ts';

/** The caller's membership, or 403: only members read or write a conversation. */
export async function requireMember(db: Kysely<Database>, conversationId: string, userId: string): Promise<MemberRow> {
  const member = await findMember(db, conversationId, userId);
  if (member) return member;
  if (!(await findConversation(db, conversationId))) throw notFound('conversation');
  throw forbidden('you are not a member of this conversation');
}

/** Asks the profile service, through Dapr, whether either user blocked the other. */
export async function eitherBlocked(dapr: DaprClient, a: string, b: string): Promise<boolean> {
  const query = create(BlockCheckRequestSchema, { userA: a, userB: b });
  const res = await dapr.invokeRaw(
    appIds.profile,
    `internal/blocks?a=${encodeURIComponent(query.userA)}&b=${encodeURIComponent(query.userB)}`,
  );
  if (res.status !== 200) throw new AppError('UNAVAILABLE', 'cannot check blocks right now; try again');
  return decode(BlockCheckResponseSchema, res.body).blocked;
}

/** Only existing accounts are put into groups: asks the profile service, through Dapr. */
export async function requireKnownUsers(dapr: DaprClient, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const body = encode(KnownProfilesRequestSchema, create(KnownProfilesRequestSchema, { userIds }));
  const res = await dapr.invokeRaw(appIds.profile, 'internal/known-profiles', { method: 'POST', body });
  if (res.status !== 200) throw new AppError('UNAVAILABLE', 'cannot check these users right now; try again');
  const known = new Set(decode(KnownProfilesResponseSchema, res.body).userIds);
  const unknown = userIds.find((id) => !known.has(id));
  if (unknown) throw notFound(`user ${unknown}`);
}

/** Which of the candidates and the user follow each other: asks the profile service, through Dapr. */
export async function mutualFollowers(dapr: DaprClient, userId: string, candidateIds: string[]): Promise<Set<string>> {
  if (candidateIds.length === 0) return new Set();
  const body = encode(MutualFollowsRequestSchema, create(MutualFollowsRequestSchema, { userId, candidateIds }));
  const res = await dapr.invokeRaw(appIds.profile, 'internal/mutual-follows', { method: 'POST', body });
  if (res.status !== 200) throw new AppError('UNAVAILABLE', 'cannot check who follows you right now; try again');
  return new Set(decode(MutualFollowsResponseSchema, res.body).userIds);
}
