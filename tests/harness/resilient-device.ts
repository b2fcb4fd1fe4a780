import WebSocket from 'ws';

interface Frame {
  type: string;
  [key: string]: unknown;
}

/**
 * A device that behaves as a well-written client: it reconnects (to the next instance) when its
 * socket closes, asks for what it missed with a sync, and resends a message until it is acked
 * (with the same client message id). Every message frame it ever received is kept.
 */
export class ResilientDevice {
  readonly received: number[] = [];
  readonly acks = new Map<string, number>();
  private ws: WebSocket | undefined;
  private lastSeq = 0;
  private stopped = false;
  private attempt = 0;
  private listeners = new Set<(f: Frame) => void>();

  constructor(
    private readonly urls: string[],
    private readonly token: string,
    private readonly conversationId: string,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    while (!this.stopped) {
      const url = this.urls[this.attempt++ % this.urls.length] ?? '';
      try {
        await this.open(url);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  private open(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, {
        headers: { authorization: `Bearer ${this.token}` },
      });
      ws.once('unexpected-response', () => reject(new Error('refused')));
      ws.once('error', reject);
      ws.on('message', (data) => this.onFrame(JSON.parse(data.toString()) as Frame));
      ws.once('open', () => {
        this.ws = ws;
        ws.send(JSON.stringify({ v: 1, type: 'sync', cursors: { [this.conversationId]: this.lastSeq } }));
        ws.once('close', () => {
          this.ws = undefined;
          if (!this.stopped) void this.connect();
        });
        resolve();
      });
    });
  }

  private onFrame(frame: Frame): void {
    if (frame.type === 'message') {
      const m = frame.message as { conversationId: string; seq: number };
      if (m.conversationId === this.conversationId) {
        this.received.push(m.seq);
        this.lastSeq = Math.max(this.lastSeq, m.seq);
      }
    }
    if (frame.type === 'ack') this.acks.set(String(frame.clientMsgId), Number(frame.seq));
    for (const l of this.listeners) l(frame);
  }

  /** Sends until acked, resending after a timeout, an error frame or a reconnect. */
  async sendUntilAcked(clientMsgId: string, content: string, deadlineMs = 60_000): Promise<number> {
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline) {
      const acked = this.acks.get(clientMsgId);
      if (acked !== undefined) return acked;
      this.ws?.send(JSON.stringify({ v: 1, type: 'send', conversationId: this.conversationId, clientMsgId, content }));
      await new Promise<void>((resolve) => {
        const done = (f: Frame) => {
          if ((f.type === 'ack' && f.clientMsgId === clientMsgId) || (f.type === 'error' && f.ref === clientMsgId))
            finish();
        };
        const timer = setTimeout(() => finish(), 1500);
        const finish = () => {
          clearTimeout(timer);
          this.listeners.delete(done);
          resolve();
        };
        this.listeners.add(done);
      });
      if (!this.acks.has(clientMsgId)) await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${clientMsgId} was never acknowledged`);
  }

  /** Waits until every sequence up to `lastSeq` has arrived. */
  async waitForAll(lastSeq: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (new Set(this.received).size >= lastSeq && this.lastSeq >= lastSeq) return;
      await new Promise((r) => setTimeout(r, 100));
      // A quiet connection after a fault learns about the tail only by asking.
      this.ws?.send(JSON.stringify({ v: 1, type: 'sync', cursors: { [this.conversationId]: this.lastSeq } }));
    }
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
  }
}
