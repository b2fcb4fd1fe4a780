/** A user's public profile, owned by this service. Domain code does no I/O. */
export interface Profile {
  userId: string;
  username: string;
  displayName: string;
  bio: string | null;
  imageUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What the owner may change; null clears bio or image, an absent key leaves the field as is. */
export interface ProfileChanges {
  displayName?: string | undefined;
  bio?: string | null | undefined;
  imageUrl?: string | null | undefined;
}

export interface FollowCounts {
  followers: number;
  following: number;
}

/** The public representation of a profile, as served and as cached. */
export interface ProfileView {
  userId: string;
  username: string;
  displayName: string;
  bio: string | null;
  imageUrl: string | null;
  createdAt: string;
  updatedAt: string;
  followers: number;
  following: number;
}

export function newProfile(userId: string, username: string, displayName: string, now: Date): Profile {
  return { userId, username, displayName, bio: null, imageUrl: null, createdAt: now, updatedAt: now };
}

// An empty bio and no bio are the same thing to a reader; store one of them.
const emptyToNull = (value: string | null): string | null => (value === '' ? null : value);

/** The profile after `changes`, or undefined when they change nothing (so nothing is written). */
export function applyChanges(profile: Profile, changes: ProfileChanges, now: Date): Profile | undefined {
  const next: Profile = {
    ...profile,
    displayName: changes.displayName ?? profile.displayName,
    bio: changes.bio === undefined ? profile.bio : emptyToNull(changes.bio),
    imageUrl: changes.imageUrl === undefined ? profile.imageUrl : changes.imageUrl,
  };
  const same =
    next.displayName === profile.displayName && next.bio === profile.bio && next.imageUrl === profile.imageUrl;
  return same ? undefined : { ...next, updatedAt: now };
}

export function toView(profile: Profile, counts: FollowCounts): ProfileView {
  return {
    userId: profile.userId,
    username: profile.username,
    displayName: profile.displayName,
    bio: profile.bio,
    imageUrl: profile.imageUrl,
    createdAt: profile.createdAt.toISOString(),
    updatedAt: profile.updatedAt.toISOString(),
    followers: counts.followers,
    following: counts.following,
  };
}
