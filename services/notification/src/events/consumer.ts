import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { decode } from '@soulchat/contracts';
import { consumeEvents, type Subscription } from '@soulchat/platform';
import type { NotificationDeps } from '../use-cases/deps.ts';

/** A subscription that decodes the topic's contract and hands the event and its stable id to `apply`. */
export function consume<Desc extends DescMessage>(
  deps: NotificationDeps,
  topic: string,
  schema: Desc,
  apply: (deps: NotificationDeps, event: MessageShape<Desc>, eventId: string) => Promise<boolean>,
): Subscription {
  return consumeEvents({
    topic,
    log: deps.log,
    decode: (data) => decode(schema, data),
    apply: (event, eventId) => apply(deps, event, eventId),
  });
}
