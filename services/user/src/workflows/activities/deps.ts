import type { DaprClient, Logger } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

export interface ActivityDeps {
  db: Kysely<Database>;
  dapr: DaprClient;
  log: Logger;
  service: string;
  /** Counts how registrations end (the saga-outcomes metric). */
  outcome?: (outcome: 'registered' | 'rejected' | 'compensated') => void;
}
