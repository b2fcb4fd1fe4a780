import { create } from '@bufbuild/protobuf';
import Router from '@koa/router';
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
import { parseInput, readContract, requireSidecar } from '@soulchat/platform';
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
export function internalRouter(deps: UseCaseDeps, appApiToken: string): Router {
  const router = new Router({ prefix: '/internal' });
  router.use(requireSidecar(appApiToken));

  router.post('/profiles', async (ctx) => {
    const request = readContract(() => decode(CreateProfileRequestSchema, ctx.request.body));
    const input = parseInput(newProfileFields, {
      userId: request.userId,
      username: request.username,
      displayName: request.displayName,
    });
    const { profile, created } = await createProfile(deps, input);
    ctx.status = created ? 201 : 200;
    ctx.body = toContract(profile);
  });

  router.delete('/profiles/:userId', async (ctx) => {
    const { userId } = parseInput(userIdParams, ctx.params);
    await removeUser(deps, userId);
    ctx.status = 204;
  });

  // Chat asks before it puts people into a group: only existing accounts may be added.
  router.post('/known-profiles', async (ctx) => {
    const request = readContract(() => decode(KnownProfilesRequestSchema, ctx.request.body));
    const { userIds } = parseInput(knownProfilesFields, { userIds: request.userIds });
    const known = await knownUsers(deps, userIds);
    ctx.body = encode(KnownProfilesResponseSchema, create(KnownProfilesResponseSchema, { userIds: known }));
  });

  // Chat asks when someone wants the presence of people they share no conversation with.
  router.post('/mutual-follows', async (ctx) => {
    const request = readContract(() => decode(MutualFollowsRequestSchema, ctx.request.body));
    const { userId, candidateIds } = parseInput(mutualFollowsFields, {
      userId: request.userId,
      candidateIds: request.candidateIds,
    });
    const userIds = await mutualFollowers(deps, userId, candidateIds);
    ctx.body = encode(MutualFollowsResponseSchema, create(MutualFollowsResponseSchema, { userIds }));
  });

  router.get('/blocks', async (ctx) => {
    const { a, b } = parseInput(blockCheckQuery, ctx.query);
    const blocked = await blockedEitherWay(deps, a, b);
    ctx.body = encode(BlockCheckResponseSchema, create(BlockCheckResponseSchema, { blocked }));
  });

  return router;
}
