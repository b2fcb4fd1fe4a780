import type { DaprClient, Logger } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ObjectStore } from '../storage/object-store.ts';

export interface MediaLimits {
  /** Largest upload, in bytes. */
  maxUploadBytes: number;
  /** What one user's uploads may take in all. */
  quotaBytes: number;
  /** Uploads never sent are removed after this long. */
  unsentTtlSeconds: number;
}

export interface MediaDeps {
  db: Kysely<Database>;
  dapr: DaprClient;
  log: Logger;
  store: ObjectStore;
  /** Signs and checks download links (db/link-keys.repository.ts). */
  linkKey: string;
  limits: MediaLimits;
}
