import type { DaprClient, Logger } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';

/** What every use case needs; built once in main.ts (or by a test). */
export interface NotificationDeps {
  config: Config;
  log: Logger;
  db: Kysely<Database>;
  dapr: DaprClient;
  /** Wake the outbox relay (real-time pushes) and the delivery worker (email, SMS) now. */
  nudge: () => void;
}
