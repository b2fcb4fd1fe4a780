import type { DaprClient, Logger } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { MessageView } from '../domain/protocol.ts';
import type { MessageStage } from '../metrics.ts';
import type { Sender } from './send.ts';

export interface ChatDeps {
  db: Kysely<Database>;
  dapr: DaprClient;
  log: Logger;
  config: Config;
  /** Asks the outbox relay to publish now rather than at its next tick (lower latency). */
  nudgeRelay: () => void;
  /** Counts a newly stored message (not a resend). */
  messageStored?: (kind: string) => void;
  /**
   * Hands a committed message to this instance's own devices at once; the other instances get it
   * through the fan-out, and the copy that reaches this one later is skipped as a repeat.
   */
  deliverLocally?: (message: MessageView, memberIds: string[]) => void;
  /** Stores sends, batched (createSender). */
  sends: Sender;
  /** Records how long a message spent in one stage of its path (the stage histogram). */
  stage?: (stage: MessageStage, seconds: number) => void;
}
