import { create } from '@bufbuild/protobuf';
import {
  BlockCheckResponseSchema,
  CreateProfileRequestSchema,
  decode,
  encode,
  KnownProfilesRequestSchema,
  KnownProfilesResponseSchema,
  MutualFollowsRequestSchema,
  MutualFollowsResponseSchema,
  ProfileSchema,
} from '@soulchat/contracts';
import { parseInput, type Route, readContract, route } from '@soulchat/platform';
import type { Profile } from '../../domain/profile.ts';
import { blockedEitherWay } from '../../usecases/blocks.ts';
import type { UseCaseDeps } from '../../usecases/deps.ts';
import { createProfile, knownUsers, mutualFollowers, removeUser } from '../../usecases/internal-profiles.ts';
import { blockCheckQuery, knownProfilesFields, mutualFollowsFields, newProfileFields, userIdParams } from './schema.ts';

function toContract(profile: Profile) {
  return encode(
    ProfileSchema,
    create(ProfileSchema, {
      userId: profile.userId,
      username: profile.username,
      displayName: profile.displayName,
      bio: profile.bio ?? '',
      imageUrl: profile.imageUrl ?? '',
      createdAt: profile.createdAt.toISOString(),
      updatedAt: profile.updatedAt.toISOString(),
    }),
  );
}

/** Operations for other services, through Dapr service invocation (proto/soulchat/profile/v1). */
export function internalRoutes(deps: UseCaseDeps): Route[] {
  return [
    route({
      method: 'post',
      path: '/internal/profiles',
      summary: 'create a profile (registration saga; CreateProfileRequest)',
      access: 'sidecar',
      responses: { 200: 'already there', 201: 'created' },
      handle: async (ctx) => {
        const request = readContract(() => decode(CreateProfileRequestSchema, ctx.request.body));
        const input = parseInput(newProfileFields, {
          userId: request.userId,
          username: request.username,
          displayName: request.displayName,
        });
        const { profile, created } = await createProfile(deps, input);
        ctx.status = created ? 201 : 200;
        ctx.body = toContract(profile);
      },
    }),
    route({
      method: 'delete',
      path: '/internal/profiles/:userId',
      summary: "remove a user's profile, follows and blocks",
      access: 'sidecar',
      params: userIdParams,
      responses: { 204: 'removed' },
      handle: async (ctx, { params }) => {
        await removeUser(deps, params.userId);
        ctx.status = 204;
      },
    }),
    // Chat asks before it puts people into a group: only existing accounts may be added.
    route({
      method: 'post',
      path: '/internal/known-profiles',
      summary: 'which of these users have a profile (KnownProfilesRequest)',
      access: 'sidecar',
      responses: { 200: 'KnownProfilesResponse' },
      handle: async (ctx) => {
        const request = readContract(() => decode(KnownProfilesRequestSchema, ctx.request.body));
        const { userIds } = parseInput(knownProfilesFields, { userIds: request.userIds });
        const known = await knownUsers(deps, userIds);
        ctx.body = encode(KnownProfilesResponseSchema, create(KnownProfilesResponseSchema, { userIds: known }));
      },
    }),
    // Chat asks when someone wants the presence of people they share no conversation with.
    route({
      method: 'post',
      path: '/internal/mutual-follows',
      summary: 'which of the candidates and the user follow each other (MutualFollowsRequest)',
      access: 'sidecar',
      responses: { 200: 'MutualFollowsResponse' },
      handle: async (ctx) => {
        const request = readContract(() => decode(MutualFollowsRequestSchema, ctx.request.body));
        const { userId, candidateIds } = parseInput(mutualFollowsFields, {
          userId: request.userId,
          candidateIds: request.candidateIds,
        });
        const userIds = await mutualFollowers(deps, userId, candidateIds);
        ctx.body = encode(MutualFollowsResponseSchema, create(MutualFollowsResponseSchema, { userIds }));
      },
    }),
    route({
      method: 'get',
      path: '/internal/blocks',
      summary: 'whether a and b blocked each other',
      access: 'sidecar',
      query: blockCheckQuery,
      responses: { 200: 'BlockCheckResponse' },
      handle: async (ctx, { query: { a, b } }) => {
        const blocked = await blockedEitherWay(deps, a, b);
        ctx.body = encode(BlockCheckResponseSchema, create(BlockCheckResponseSchema, { blocked }));
      },
    }),
  ];
}
