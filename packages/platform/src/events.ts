import { components } from './components.ts';
import type { Logger } from './logger.ts';
import { domainCounter } from './metrics.ts';
import type { DeliveredEvent, DeliveryOutcome, Subscription } from './subscriptions.ts';

const maxEventIdLength = 128;

/** Every consumed event, by topic and what became of it (served by every service's /metrics). */
export const eventsHandled = domainCounter(
  'soulchat_events_handled_total',
  'Events the sidecar delivered, by outcome: applied, duplicate (a redelivery), dropped (malformed), retried (failed)',
  ['topic', 'outcome'],
);

export interface EventConsumer<T> {
  topic: string;
  /** Default `/events/<topic>` with dots and underscores as dashes (user.email_changed: user-email-changed). */
  route?: string;
  pubsub?: string;
  /** Reads the event's contract; throws when the event is malformed (it is dropped: retrying cannot fix it). */
  decode: (data: unknown) => T;
  /**
   * Applies the event once per id (the consumer's own dedupe record, in the transaction that
   * applies it); false when it was applied before. A throw is retried by Dapr.
   */
  apply: (event: T, eventId: string) => Promise<boolean>;
  log: Logger;
}

type WithEnvelope = { envelope?: { id?: string } | undefined };

/**
 * The one way a service consumes an event: decode the contract, take the id that survives an
 * outbox re-publish (the envelope's), apply, and tell Dapr done, retry or drop, with a log line
 * and a count for each.
 */
export function consumeEvents<T>(consumer: EventConsumer<T>): Subscription {
  const { topic, log } = consumer;
  const count = (outcome: string) => eventsHandled.inc({ topic, outcome });
  return {
    pubsubname: consumer.pubsub ?? components.pubsub,
    topic,
    route: consumer.route ?? `/events/${topic.replaceAll(/[._]/g, '-')}`,
    async handle(delivered: DeliveredEvent): Promise<DeliveryOutcome> {
      let event: T;
      try {
        event = consumer.decode(delivered?.data);
      } catch (err) {
        log.warn({ err, topic, cloudEventId: delivered?.id }, 'dropping malformed event');
        count('dropped');
        return 'DROP';
      }
      // Event contracts carry an envelope whose id a re-publish keeps; Dapr's CloudEvent id is new each time.
      const eventId = (event as WithEnvelope).envelope?.id || delivered.id;
      if (typeof eventId !== 'string' || eventId === '' || eventId.length > maxEventIdLength) {
        log.warn({ topic, cloudEventId: delivered.id }, 'dropping event without a usable id');
        count('dropped');
        return 'DROP';
      }
      try {
        const applied = await consumer.apply(event, eventId);
        log.info({ topic, eventId, applied }, applied ? 'event applied' : 'event redelivered; ignored');
        count(applied ? 'applied' : 'duplicate');
        return 'SUCCESS';
      } catch (err) {
        log.error({ err, topic, eventId }, 'event failed; Dapr will redeliver');
        count('retried');
        return 'RETRY';
      }
    },
  };
}
