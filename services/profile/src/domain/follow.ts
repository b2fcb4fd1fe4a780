/** One entry of a followers or following list: the other user and when the follow began. */
export interface FollowEntry {
  userId: string;
  username: string;
  displayName: string;
  imageUrl: string | null;
  since: Date;
}

/** Which list of a user: those who follow them, or those they follow. */
export type FollowDirection = 'followers' | 'following';

/** Whether I follow them, they follow me, I block them, they block me. */
export interface Relationship {
  following: boolean;
  followedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
}
