import type { Logger } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { ProfileCache } from '../cache/profile-cache.ts';
import type { Database } from '../db/schema.ts';

/** What every use case needs; built once in app.ts. */
export interface UseCaseDeps {
  service: string;
  log: Logger;
  db: Kysely<Database>;
  cache: ProfileCache;
  /** Makes the user's upload their profile picture (the media service, through Dapr). */
  attachAvatar: (userId: string, mediaId: string) => Promise<void>;
}
