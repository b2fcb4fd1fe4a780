import WebSocket from 'ws';

interface Frame {
  type: string;
  [key: string]: unknown;
}

/** What the server answered for one send: where the message was stored. */
export interface Ack {
  conversationId: string;
  seq: number;
  messageId: string;
}

interface PendingSend {
  conversationId: string;
  content: string;
  /** When the app handed the message over (its latency counts from here). */
  createdAt: number;
  /** When it last left on a socket (undefined: not yet). */
  sentAt: number | undefined;
  transmissions: number;
  /** Why it is queued again, for the counters. */
  requeuedFor: ResendReason;
}

/** A resend follows a new connection, an unanswered wait, or an error frame naming the send. */
export type ResendReason = 'reconnect' | 'timeout' | 'error';

type Outgoing = { kind: 'sync' } | { kind: 'send'; clientMsgId: string };

/**
 * One conversation as a device's app shows it: each message once, by sequence number. It also
 * counts what the server promised never to do: send a message twice, skip ahead, or send two
 * different messages under one number.
 */
export class ConversationView {
  /** seq -> message id, as shown. */
  readonly shown = new Map<number, string>();
  /** Every message up to here is held: a sync asks for what comes after it. */
  contiguous = 0;
  /** Frames for a message already shown (the app drops them). */
  repeats = 0;
  /** New messages that did not follow the last one held (a gap the server did not fill first). */
  outOfOrder = 0;
  /** Frames carrying another message id under a sequence number already shown. */
  conflicts = 0;

  receive(seq: number, messageId: string): void {
    const known = this.shown.get(seq);
    if (known !== undefined) {
      if (known === messageId) this.repeats++;
      else this.conflicts++;
      return;
    }
    if (seq !== this.contiguous + 1) this.outOfOrder++;
    this.shown.set(seq, messageId);
    while (this.shown.has(this.contiguous + 1)) this.contiguous++;
  }
}

/**
 * A client-side token bucket a little under the server's per-connection frame limit, so the
 * device's own frames (resends included) are never refused as RATE_LIMITED.
 */
class FramePacer {
  private tokens: number;
  private updatedAt = Date.now();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {
    this.tokens = capacity;
  }

  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  msUntilNext(): number {
    this.refill();
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.perSecond) / 1000);
    this.updatedAt = now;
  }
}

export interface LoadDeviceOptions {
  /** Chat instances to try in turn; the first one first. */
  urls: string[];
  token: string;
  /** The conversations this device follows (its user's). */
  conversationIds: string[];
  /** Frames per second this device allows itself (chat allows 100 per 10 s by default). */
  framesPerSecond?: number;
  /** How long an unacked send on a live socket waits before it leaves again (doubling each time). */
  resendAfterMs?: number;
}

export interface DeviceCounters {
  connects: number;
  /** Transmissions of a message after its first, by why. */
  resends: Record<ResendReason, number>;
  /** Acks for a message the server had already stored (a resend after a lost ack). */
  duplicateAcks: number;
  /** Acks naming another seq or message id than an earlier ack of the same client message id. */
  ackConflicts: number;
  /** Error frames by code. */
  errors: Map<string, number>;
}

/**
 * A device for load: sends leave as the app hands them over (open loop, many in flight), not one
 * after the previous ack. Like a well-written client it reconnects to the next instance when its
 * socket closes, syncs every conversation from the last message it holds in order, and resends
 * each unacked message with the same client message id until it is acked.
 */
export class LoadDevice {
  readonly conversations = new Map<string, ConversationView>();
  readonly acks = new Map<string, Ack>();
  /** Milliseconds from hand-over to ack, one per acked message. */
  readonly ackLatencies: number[] = [];
  /** When the last ack arrived (Date.now()). */
  lastAckAt = 0;
  /** The instance each connection landed on, in order. */
  readonly instances: string[] = [];
  readonly counters: DeviceCounters = {
    connects: 0,
    resends: { reconnect: 0, timeout: 0, error: 0 },
    duplicateAcks: 0,
    ackConflicts: 0,
    errors: new Map(),
  };
  private readonly pending = new Map<string, PendingSend>();
  private readonly queue: Outgoing[] = [];
  private readonly queued = new Set<string>();
  private readonly pacer: FramePacer;
  private readonly resendAfterMs: number;
  private ws: WebSocket | undefined;
  private attempt = 0;
  private stopped = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly resendSweep: NodeJS.Timeout;

  constructor(private readonly options: LoadDeviceOptions) {
    for (const id of options.conversationIds) this.conversations.set(id, new ConversationView());
    const perSecond = options.framesPerSecond ?? 8;
    this.pacer = new FramePacer(perSecond * 10, perSecond);
    this.resendAfterMs = options.resendAfterMs ?? 15_000;
    this.resendSweep = setInterval(() => this.resendOverdue(), 1000);
  }

  get unacked(): number {
    return this.pending.size;
  }

  /** The instance the device is on now (the last `ready` frame). */
  get instance(): string | undefined {
    return this.instances.at(-1);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  /** Hands a message over; it leaves as soon as the frame budget allows, and until acked. */
  send(conversationId: string, clientMsgId: string, content: string): void {
    this.pending.set(clientMsgId, {
      conversationId,
      content,
      createdAt: performance.now(),
      sentAt: undefined,
      transmissions: 0,
      requeuedFor: 'reconnect',
    });
    this.enqueueSend(clientMsgId);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.resendSweep);
    clearTimeout(this.drainTimer);
    this.ws?.terminate();
  }

  private async connect(): Promise<void> {
    while (!this.stopped) {
      const url = this.options.urls[this.attempt++ % this.options.urls.length] ?? '';
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
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, {
        headers: { authorization: `Bearer ${this.options.token}` },
        handshakeTimeout: 5000,
      });
      ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
      ws.once('error', reject);
      ws.on('message', (data) => this.onFrame(JSON.parse(data.toString()) as Frame));
      ws.once('open', () => {
        // Errors after the open end in a close, which reconnects.
        ws.on('error', () => {});
        ws.once('close', () => this.onClose(ws));
        this.ws = ws;
        this.counters.connects++;
        this.resumeAfterConnect();
        resolve();
      });
    });
  }

  private onClose(ws: WebSocket): void {
    if (this.ws === ws) this.ws = undefined;
    if (!this.stopped) void this.connect();
  }

  /**
   * A fresh connection first asks for what was missed, then sends again whatever is unacked
   * (it may have been stored, or lost with the old socket: the same id makes either safe).
   */
  private resumeAfterConnect(): void {
    this.queue.unshift({ kind: 'sync' });
    for (const clientMsgId of this.pending.keys()) this.enqueueSend(clientMsgId, 'reconnect');
    this.drain();
  }

  private enqueueSend(clientMsgId: string, reason?: ResendReason): void {
    if (this.queued.has(clientMsgId)) return;
    const send = this.pending.get(clientMsgId);
    if (send && reason) send.requeuedFor = reason;
    this.queued.add(clientMsgId);
    this.queue.push({ kind: 'send', clientMsgId });
    this.drain();
  }

  /** Sends queued frames while the socket is open and the budget allows; waits for tokens otherwise. */
  private drain(): void {
    if (this.drainTimer) return;
    while (this.queue.length > 0) {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      const next = this.queue[0];
      if (next?.kind === 'send' && !this.pending.has(next.clientMsgId)) {
        this.dequeue();
        continue;
      }
      if (!this.pacer.tryTake()) {
        this.drainTimer = setTimeout(() => {
          this.drainTimer = undefined;
          this.drain();
        }, this.pacer.msUntilNext());
        return;
      }
      this.dequeue();
      if (next) ws.send(JSON.stringify(this.frameFor(next)));
    }
  }

  private dequeue(): void {
    const head = this.queue.shift();
    if (head?.kind === 'send') this.queued.delete(head.clientMsgId);
  }

  private frameFor(outgoing: Outgoing): Record<string, unknown> {
    if (outgoing.kind === 'sync') {
      const cursors = Object.fromEntries([...this.conversations].map(([id, view]) => [id, view.contiguous]));
      return { v: 1, type: 'sync', cursors };
    }
    const send = this.pending.get(outgoing.clientMsgId);
    if (!send) throw new Error(`nothing pending for ${outgoing.clientMsgId}`);
    if (send.transmissions > 0) this.counters.resends[send.requeuedFor]++;
    send.transmissions++;
    send.sentAt = performance.now();
    return {
      v: 1,
      type: 'send',
      conversationId: send.conversationId,
      clientMsgId: outgoing.clientMsgId,
      content: send.content,
    };
  }

  /** A frame that was refused without saying which (rate limit) or never answered leaves again. */
  private resendOverdue(): void {
    const now = performance.now();
    for (const [clientMsgId, send] of this.pending) {
      if (send.sentAt === undefined) continue;
      const wait = this.resendAfterMs * 2 ** Math.max(0, send.transmissions - 1);
      if (now - send.sentAt > wait) this.enqueueSend(clientMsgId, 'timeout');
    }
  }

  private onFrame(frame: Frame): void {
    if (frame.type === 'message') this.onMessage(frame.message as { conversationId: string; seq: number; id: string });
    else if (frame.type === 'ack') this.onAck(frame);
    else if (frame.type === 'error') this.onError(frame);
    else if (frame.type === 'ready') this.instances.push(String(frame.instance));
  }

  private onMessage(message: { conversationId: string; seq: number; id: string }): void {
    this.conversations.get(message.conversationId)?.receive(message.seq, message.id);
  }

  private onAck(frame: Frame): void {
    const clientMsgId = String(frame.clientMsgId);
    const ack: Ack = {
      conversationId: String(frame.conversationId),
      seq: Number(frame.seq),
      messageId: String(frame.messageId),
    };
    const earlier = this.acks.get(clientMsgId);
    if (earlier && (earlier.seq !== ack.seq || earlier.messageId !== ack.messageId)) this.counters.ackConflicts++;
    if (frame.duplicate === true) this.counters.duplicateAcks++;
    if (!earlier) this.acks.set(clientMsgId, ack);
    const send = this.pending.get(clientMsgId);
    if (send) this.ackLatencies.push(performance.now() - send.createdAt);
    this.lastAckAt = Date.now();
    this.pending.delete(clientMsgId);
  }

  /** A refused send is tried again a moment later (the instance may be short of its database). */
  private onError(frame: Frame): void {
    const code = String(frame.code);
    this.counters.errors.set(code, (this.counters.errors.get(code) ?? 0) + 1);
    const ref = typeof frame.ref === 'string' ? frame.ref : undefined;
    if (ref && this.pending.has(ref)) setTimeout(() => this.enqueueSend(ref, 'error'), 1000).unref();
  }
}
