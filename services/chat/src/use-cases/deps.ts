import type { DaprClient, Logger } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';

export interface ChatDeps {
  db: Kysely<Database>;
  dapr: DaprClient;
  log: Logger;
  config: Config;
  /** Asks the outbox relay to publish now rather than at its next tick (lower latency). */
  nudgeRelay: () => void;
  /** Counts a newly stored message (not a resend). */
  messageStored?: (kind: string) => void;
}
