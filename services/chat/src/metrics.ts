import { domainCounter, domainGauge, domainHistogram } from '@soulchat/platform';
import type { Hub } from './ws/hub.ts';

export type MessageStage = 'stored' | 'acked' | 'relayed' | 'publish' | 'consumed' | 'delivered';

/** Chat's own figures at /metrics (the dashboards and alerts name them). */
export function createChatMetrics(hub: Hub) {
  const sent = domainCounter(
    'soulchat_messages_sent_total',
    'Messages stored (a resend of a client id is not counted)',
    ['kind'],
  );
  const delivered = domainCounter('soulchat_messages_delivered_total', 'Message frames pushed to connected devices');
  const connections = domainGauge('soulchat_websocket_connections', 'WebSocket connections open on this instance', {
    async collect() {
      this.set(hub.size);
    },
  });
  const stages = domainHistogram(
    'soulchat_message_stage_seconds',
    'Where a message spends its time: stored (frame in to commit), acked (frame in to ack), ' +
      'relayed (stored to published), publish (the Dapr publish call), consumed (stored to this ' +
      "instance's event handler), delivered (stored to written to this instance's sockets)",
    ['stage'],
  );
  hub.onDelivered = (count) => delivered.inc(count);
  return {
    messageStored: (kind: string) => sent.inc({ kind }),
    stage: (stage: MessageStage, seconds: number) => stages.observe({ stage }, seconds),
    all: [sent, delivered, connections, stages],
  };
}
