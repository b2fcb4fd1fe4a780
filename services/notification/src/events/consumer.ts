import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { decode } from '@soulchat/contracts';
import { components, type DeliveredEvent, type DeliveryOutcome, type Subscription } from '@soulchat/platform';
import type { NotificationDeps } from '../use-cases/deps.ts';

const maxEventIdLength = 128;

/** Event contracts all carry the envelope whose id survives an outbox re-publish. */
type WithEnvelope = { envelope?: { id: string } | undefined };

/**
 * A pub/sub subscription that decodes the topic's contract and hands the event and its stable
 * id to `apply`. Malformed events are dropped (retrying cannot fix them); a failure is retried.
 */
export function consume<Desc extends DescMessage>(
  deps: NotificationDeps,
  topic: string,
  schema: Desc,
  apply: (deps: NotificationDeps, event: MessageShape<Desc>, eventId: string) => Promise<boolean>,
): Subscription {
  // user.email_changed is delivered to /events/user-email-changed.
  const spec = { topic, schema, route: `/events/${topic.replaceAll(/[._]/g, '-')}` };
  return {
    pubsubname: components.pubsub,
    topic: spec.topic,
    route: spec.route,
    async handle(delivered: DeliveredEvent): Promise<DeliveryOutcome> {
      let event: MessageShape<Desc>;
      try {
        event = decode(spec.schema, delivered?.data);
      } catch (err) {
        deps.log.warn({ err, topic: spec.topic, cloudEventId: delivered?.id }, 'dropping malformed event');
        return 'DROP';
      }
      const eventId = (event as WithEnvelope).envelope?.id || delivered.id;
      if (typeof eventId !== 'string' || eventId === '' || eventId.length > maxEventIdLength) {
        deps.log.warn({ topic: spec.topic, cloudEventId: delivered.id }, 'dropping event without a usable id');
        return 'DROP';
      }
      try {
        const applied = await apply(deps, event, eventId);
        deps.log.info(
          { topic: spec.topic, eventId, applied },
          applied ? 'event applied' : 'event redelivered; ignored',
        );
        return 'SUCCESS';
      } catch (err) {
        deps.log.error({ err, topic: spec.topic, eventId }, 'event failed; Dapr will redeliver');
        return 'RETRY';
      }
    },
  };
}
