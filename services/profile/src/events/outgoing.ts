import { create } from '@bufbuild/protobuf';
import {
  BlockChangedSchema,
  encode,
  FollowCreatedSchema,
  newEnvelope,
  ProfileUpdatedSchema,
  topics,
} from '@soulchat/contracts';
import type { OutgoingEvent } from '@soulchat/platform';
import type { Profile } from '../domain/profile.ts';

/** One user started following another; keyed by the followed user so their events stay in order. */
export function followCreated(source: string, followerId: string, followingId: string): OutgoingEvent {
  const envelope = newEnvelope(topics.followCreated, source);
  const message = create(FollowCreatedSchema, { envelope, followerId, followingId });
  return {
    eventId: envelope.id,
    topic: topics.followCreated,
    partitionKey: followingId,
    payload: encode(FollowCreatedSchema, message),
  };
}

/** A profile's public fields changed; carries the new values (a cleared field is empty). */
export function profileUpdated(source: string, profile: Profile): OutgoingEvent {
  const envelope = newEnvelope(topics.profileUpdated, source);
  const message = create(ProfileUpdatedSchema, {
    envelope,
    userId: profile.userId,
    displayName: profile.displayName,
    bio: profile.bio ?? '',
    imageUrl: profile.imageUrl ?? '',
  });
  return {
    eventId: envelope.id,
    topic: topics.profileUpdated,
    partitionKey: profile.userId,
    payload: encode(ProfileUpdatedSchema, message),
  };
}

/** A block was created (`blocked`) or lifted; keyed by the blocker so one user's changes stay in order. */
export function blockChanged(source: string, blockerId: string, blockedId: string, blocked: boolean): OutgoingEvent {
  const envelope = newEnvelope(topics.blockChanged, source);
  const message = create(BlockChangedSchema, { envelope, blockerId, blockedId, blocked });
  return {
    eventId: envelope.id,
    topic: topics.blockChanged,
    partitionKey: blockerId,
    payload: encode(BlockChangedSchema, message),
  };
}
