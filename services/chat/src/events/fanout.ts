import {
  ChatSignalSchema,
  decode,
  MessageCreatedSchema,
  MessageUpdatedSchema,
  NotificationCreatedSchema,
  topics,
} from '@soulchat/contracts';
import {
  components,
  type DeliveredEvent,
  type DeliveryOutcome,
  type Logger,
  type Subscription,
} from '@soulchat/platform';
import type { Attachment, MessageView } from '../domain/protocol.ts';
import type { MessageStage } from '../metrics.ts';
import type { Hub } from '../ws/hub.ts';

/**
 * Events per bulk request of message.created. An event is at most ~40 KB (4,000 characters and
 * 500 member ids), so a request stays under the app's JSON limit (app.ts).
 */
export const fanoutBulkMessages = 100;

/** The fields of a stored message that message.created carries, as clients see them. */
function viewOf(data: unknown): { view: MessageView; memberIds: string[] } {
  const e = decode(MessageCreatedSchema, data);
  return {
    memberIds: e.memberIds,
    view: {
      id: e.messageId,
      conversationId: e.conversationId,
      seq: Number(e.seq),
      senderId: e.senderId,
      clientMsgId: e.clientMsgId,
      kind: e.kind as MessageView['kind'],
      content: e.content,
      attachment: e.attachmentJson ? (JSON.parse(e.attachmentJson) as Attachment) : null,
      createdAt: e.createdAt,
      editedAt: null,
      deleted: false,
    },
  };
}

/**
 * Every chat instance subscribes through the `fanout` component (a consumer group per
 * instance), so each pushes each event to the devices connected to it.
 */
export function fanoutSubscriptions(
  hub: Hub,
  log: Logger,
  stage: (stage: MessageStage, seconds: number) => void = () => {},
): Subscription[] {
  const guarded =
    (name: string, run: (event: DeliveredEvent) => Promise<void> | void) =>
    async (event: DeliveredEvent): Promise<DeliveryOutcome> => {
      try {
        await run(event);
        return 'SUCCESS';
      } catch (err) {
        // A malformed event cannot get better by retrying; later events must not wait on it.
        log.warn({ err, topic: name, id: event.id }, 'dropping undeliverable event');
        return 'DROP';
      }
    };
  return [
    {
      pubsubname: components.fanout,
      topic: topics.messageCreated,
      route: '/events/fanout/message-created',
      // The busiest topic: one request per batch of events instead of one per event.
      bulk: { maxMessages: fanoutBulkMessages, maxAwaitMs: 5 },
      handle: guarded(topics.messageCreated, async (event) => {
        const { view, memberIds } = viewOf(event.data);
        const since = () => (Date.now() - Date.parse(view.createdAt)) / 1000;
        stage('consumed', since());
        await hub.deliver(view, memberIds);
        stage('delivered', since());
      }),
    },
    {
      pubsubname: components.fanout,
      topic: topics.messageUpdated,
      route: '/events/fanout/message-updated',
      handle: guarded(topics.messageUpdated, (event) => {
        const e = decode(MessageUpdatedSchema, event.data);
        hub.broadcast(
          {
            v: 1,
            type: 'updated',
            conversationId: e.conversationId,
            messageId: e.messageId,
            seq: Number(e.seq),
            change: e.change,
            content: e.content,
            editedAt: e.editedAt || null,
            reactions: JSON.parse(e.reactionsJson || '{}') as Record<string, string[]>,
          },
          e.memberIds,
        );
      }),
    },
    {
      pubsubname: components.fanout,
      topic: topics.chatSignal,
      route: '/events/fanout/chat-signal',
      handle: guarded(topics.chatSignal, (event) => {
        const s = decode(ChatSignalSchema, event.data);
        const frame =
          s.kind === 'read'
            ? ({ v: 1, type: 'read', conversationId: s.conversationId, userId: s.userId, seq: Number(s.seq) } as const)
            : ({ v: 1, type: 'typing', conversationId: s.conversationId, userId: s.userId } as const);
        hub.broadcast(frame, s.memberIds, s.userId);
      }),
    },
    {
      pubsubname: components.fanout,
      topic: topics.notificationCreated,
      route: '/events/fanout/notification-created',
      handle: guarded(topics.notificationCreated, (event) => {
        const n = decode(NotificationCreatedSchema, event.data);
        const data = JSON.parse(n.dataJson || '{}') as Record<string, unknown>;
        const notification = {
          id: n.notificationId,
          kind: n.kind,
          title: n.title,
          body: n.body,
          data,
          createdAt: n.createdAt,
        };
        hub.broadcast({ v: 1, type: 'notification', notification }, [n.userId]);
      }),
    },
  ];
}
