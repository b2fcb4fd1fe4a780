import { type Ack, ChatSocket } from '@soulchat/client';
import { rotatingWebSocket } from './client-transport.ts';

/**
 * A device on `@soulchat/client`, watched from outside: it reconnects (to the next instance) when
 * its socket closes, syncs, and resends a message until it is acked, as the SDK does for apps.
 * `received` keeps every message frame that arrived, repeats included, so a test sees what the
 * server sent, not what the SDK chose to show.
 */
export class ResilientDevice {
  readonly received: number[] = [];
  readonly acks = new Map<string, number>();
  private readonly socket: ChatSocket;

  constructor(
    urls: string[],
    token: string,
    private readonly conversationId: string,
  ) {
    this.socket = new ChatSocket({
      baseUrl: urls[0] ?? '',
      token: async () => token,
      WebSocket: rotatingWebSocket(urls),
      backoff: { baseMs: 100, maxMs: 300 },
    });
    this.socket.follow(conversationId, 0);
    this.socket.on('frame', (frame) => {
      if (frame.type === 'message' && frame.message.conversationId === conversationId)
        this.received.push(frame.message.seq);
    });
  }

  start(): Promise<void> {
    return this.socket.start();
  }

  /** Resolves with the message's seq once acked (resent across reconnects); fails after `deadlineMs`. */
  async sendUntilAcked(clientMsgId: string, content: string, deadlineMs = 60_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${clientMsgId} was never acknowledged`)), deadlineMs);
    });
    try {
      const ack: Ack = await Promise.race([this.socket.send(this.conversationId, content, { clientMsgId }), late]);
      this.acks.set(clientMsgId, ack.seq);
      return ack.seq;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until every sequence up to `lastSeq` has arrived, asking again while it has not. */
  async waitForAll(lastSeq: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (new Set(this.received).size >= lastSeq && Math.max(0, ...this.received) >= lastSeq) return;
      await new Promise((r) => setTimeout(r, 100));
      this.socket.resync();
    }
  }

  stop(): void {
    this.socket.close();
  }
}
