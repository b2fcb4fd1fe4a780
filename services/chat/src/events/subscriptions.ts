import type { Logger, Subscription } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { MessageStage } from '../metrics.ts';
import type { Hub } from '../ws/hub.ts';
import { blockChangedSubscription } from './block-changed.ts';
import { fanoutSubscriptions } from './fanout.ts';
import { userDeletedSubscription } from './user-deleted.ts';

/** Every event the chat service consumes: the per-instance fan-out and its own copies of others' data. */
export function subscriptions(
  hub: Hub,
  db: Kysely<Database>,
  log: Logger,
  stage?: (stage: MessageStage, seconds: number) => void,
): Subscription[] {
  return [...fanoutSubscriptions(hub, log, stage), userDeletedSubscription(db, log), blockChangedSubscription(db, log)];
}
