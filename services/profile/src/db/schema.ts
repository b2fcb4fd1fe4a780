import type { InboxDb, OutboxDb } from '@soulchat/platform';
import type { Selectable } from 'kysely';

export interface ProfilesTable {
  user_id: string;
  username: string;
  display_name: string;
  bio: string | null;
  image_url: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface FollowsTable {
  follower_id: string;
  following_id: string;
  created_at: Date;
}

export interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  created_at: Date;
}

export interface Database extends OutboxDb, InboxDb {
  profiles: ProfilesTable;
  follows: FollowsTable;
  blocks: BlocksTable;
}

export type ProfileRow = Selectable<ProfilesTable>;
