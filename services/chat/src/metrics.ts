import { domainCounter, domainGauge } from '@soulchat/platform';
import type { Hub } from './ws/hub.ts';

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
  hub.onDelivered = (count) => delivered.inc(count);
  return {
    messageStored: (kind: string) => sent.inc({ kind }),
    all: [sent, delivered, connections],
  };
}
