import {
  type AttachmentRef,
  type MessageView,
  type NotificationView,
  protocolVersion,
  type SendFrame,
  type ServerFrame,
  sendFrame,
  serverFrame,
} from '@soulchat/contracts/chat-protocol';
import { type BackoffOptions, defaultBackoff, reconnectDelayMs } from './backoff.ts';
import { type CursorStore, memoryCursorStore } from './cursors.ts';
import { Emitter } from './emitter.ts';
import { finalSendErrors, SoulChatError } from './errors.ts';
import { type Ack, PendingSends } from './pending-sends.ts';
import { SeqTracker } from './seq-tracker.ts';

/** The standard WebSocket API: the browser's, or the `ws` package's in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export interface ChatEvents extends Record<string, unknown> {
  state: ConnectionState;
  /** Every server frame as it came, repeats included (for diagnostics; apps want `message`). */
  frame: ServerFrame;
  ready: FrameOf<'ready'>;
  /** A message, once, in seq order per conversation (gaps are filled first). */
  message: MessageView;
  updated: FrameOf<'updated'>;
  typing: FrameOf<'typing'>;
  read: FrameOf<'read'>;
  notification: NotificationView;
  synced: FrameOf<'synced'>;
  /** A server error not tied to one send (a refused typing or read frame, a rate limit). */
  error: SoulChatError;
}

export interface ChatSocketOptions {
  /** The ingress, e.g. `https://chat.example.com`; the socket is `/ws` there. */
  baseUrl: string;
  /** A valid access token; `fresh` after a refused upgrade (the token may have expired). */
  token: (fresh: boolean) => Promise<string>;
  WebSocket?: WebSocketConstructor;
  cursors?: CursorStore;
  backoff?: BackoffOptions;
  /** A ping after this much silence; no frame for this plus `timeoutMs` means the link is dead. */
  heartbeatMs?: number;
  timeoutMs?: number;
  /** A send the server refused for now (rate limit, internal error) goes again after this. */
  resendDelayMs?: number;
  random?: () => number;
}

export interface SendOptions {
  kind?: SendFrame['kind'];
  /** The upload an `image` or `file` message carries (POST /media answered its id). */
  attachment?: AttachmentRef;
  mentions?: string[];
  /** Reuse the id of an earlier attempt (from another process, say) to store it once. */
  clientMsgId?: string;
}

const open = 1;

/**
 * The chat connection a device keeps: reconnects with exponential backoff and jitter, notices a
 * dead link by heartbeat, keeps every send until it is acknowledged and sends it again after a
 * reconnect (same client message id: stored once), syncs from its cursors on every connect, and
 * hands the app each message once, in seq order per conversation, filling gaps first.
 */
export class ChatSocket extends Emitter<ChatEvents> {
  private ws: WebSocketLike | undefined;
  private state: ConnectionState = 'closed';
  private attempt = 0;
  private opened = false;
  /** Upgrades in a row that never opened (the link is being re-established). */
  private failedUpgrades = 0;
  private linkOpened = false;
  private stopped = false;
  private lastFrameAt = 0;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private tracker = new SeqTracker();
  private readonly pending = new PendingSends();
  private readonly cursorStore: CursorStore;
  private readonly options: Required<Omit<ChatSocketOptions, 'cursors'>>;

  constructor(options: ChatSocketOptions) {
    super();
    const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketImpl) throw new Error('no WebSocket implementation: pass one (the `ws` package in Node 20)');
    this.cursorStore = options.cursors ?? memoryCursorStore();
    this.options = {
      backoff: defaultBackoff,
      heartbeatMs: 25_000,
      timeoutMs: 10_000,
      resendDelayMs: 1_000,
      random: Math.random,
      ...options,
      WebSocket: WebSocketImpl,
    };
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Sends not yet acknowledged (kept across reconnects). */
  get pendingSends(): number {
    return this.pending.size;
  }

  /** Loads the cursors and connects; resolves once the first connection is open. */
  async start(): Promise<void> {
    this.stopped = false;
    // Stored cursors win; conversations followed before the start are kept.
    this.tracker = new SeqTracker({ ...this.tracker.cursors(), ...(await this.cursorStore.load()) });
    const first = new Promise<void>((resolve) => {
      const off = this.on('state', (s) => {
        if (s === 'open' || s === 'closed') {
          off();
          resolve();
        }
      });
    });
    void this.connect();
    return first;
  }

  /** Starts following a conversation from `seq` (one just opened or joined). */
  follow(conversationId: string, seq = 0): void {
    this.tracker.follow(conversationId, seq);
  }

  /** Resolves with the server's ack once the message is stored, however many reconnects it takes. */
  send(conversationId: string, content: string, options: SendOptions = {}): Promise<Ack> {
    const parsed = sendFrame.safeParse({
      v: protocolVersion,
      type: 'send',
      conversationId,
      clientMsgId: options.clientMsgId ?? crypto.randomUUID(),
      kind: options.kind ?? 'text',
      content,
      ...(options.attachment ? { attachment: options.attachment } : {}),
      ...(options.mentions ? { mentions: options.mentions } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return Promise.reject(
        new SoulChatError('VALIDATION_FAILED', `${issue?.path.join('.') || 'message'}: ${issue?.message}`),
      );
    }
    const acked = this.pending.add(parsed.data);
    this.transmit(parsed.data);
    return acked;
  }

  /** Tells the others you are typing (dropped while offline: it is stale by the time you are back). */
  typing(conversationId: string): void {
    this.transmit({ v: protocolVersion, type: 'typing', conversationId });
  }

  /** Marks a conversation read up to `seq`. */
  read(conversationId: string, seq: number): void {
    this.transmit({ v: protocolVersion, type: 'read', conversationId, seq });
  }

  /** Asks again for everything after the cursors (a quiet link learns of a lost tail only by asking). */
  resync(): void {
    this.transmit({ v: protocolVersion, type: 'sync', cursors: this.tracker.cursors() });
  }

  /** Closes for good: pending sends are rejected, no reconnect follows. */
  close(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.stopHeartbeat();
    this.ws?.close(1000, 'client closed');
    this.ws = undefined;
    this.pending.rejectAll(new SoulChatError('CLOSED', 'the chat connection was closed'));
    this.setState('closed');
  }

  /**
   * Skips the rest of a reconnect wait (the network is back: a browser's `online` event), so a
   * device that was offline for a while does not sit out a long backoff.
   */
  reconnectNow(): void {
    if (this.stopped || this.ws || this.retry === undefined) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    this.attempt = 0;
    void this.connect();
  }

  /** Drops the current link as a network failure would (the socket then reconnects). */
  dropLink(): void {
    this.abandon('link dropped');
  }

  /**
   * Gives the current link up at once. A dead link's close handshake may never finish (no network,
   * a peer gone silent), so the socket does not wait for its `close` event to reconnect.
   */
  private abandon(reason: string): void {
    const ws = this.ws;
    if (!ws) return;
    ws.onclose = null;
    ws.onmessage = null;
    ws.close(4000, reason);
    this.onClose(ws);
  }

  private transmit(frame: object): void {
    if (this.ws?.readyState === open && this.state === 'open') this.ws.send(JSON.stringify(frame));
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setState(this.opened ? 'reconnecting' : 'connecting');
    let token: string;
    try {
      // An upgrade that never opened may have been refused for an expired token: get a new one,
      // once per streak (a server that is down must not cost a token rotation per attempt).
      token = await this.options.token(this.failedUpgrades === 1);
    } catch (err) {
      const error = err instanceof SoulChatError ? err : new SoulChatError('UNAUTHORIZED', String(err));
      this.emit('error', error);
      if (error.code === 'UNAUTHORIZED') this.close();
      else this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    const url = `${this.options.baseUrl.replace(/^http/, 'ws')}/ws?access_token=${encodeURIComponent(token)}`;
    const ws = new this.options.WebSocket(url);
    this.ws = ws;
    this.linkOpened = false;
    ws.onopen = () => this.onOpen(ws);
    ws.onmessage = (event) => this.onFrame(String(event.data));
    ws.onerror = () => {};
    ws.onclose = () => this.onClose(ws);
  }

  private onOpen(ws: WebSocketLike): void {
    if (ws !== this.ws) return;
    this.attempt = 0;
    this.failedUpgrades = 0;
    this.linkOpened = true;
    this.opened = true;
    this.lastFrameAt = Date.now();
    this.startHeartbeat();
    this.setState('open');
    // The sync also tells the server live messages may follow now (it holds them until then).
    this.resync();
    for (const frame of this.pending.frames()) this.transmit(frame);
  }

  private onClose(ws: WebSocketLike): void {
    if (ws !== this.ws) return;
    this.ws = undefined;
    if (!this.linkOpened) this.failedUpgrades++;
    this.stopHeartbeat();
    if (this.stopped) return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.setState(this.opened ? 'reconnecting' : 'connecting');
    const delay = reconnectDelayMs(this.attempt++, this.options.backoff, this.options.random);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, delay);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const { heartbeatMs, timeoutMs } = this.options;
    const every = Math.max(100, Math.min(heartbeatMs, timeoutMs) / 2);
    this.heartbeat = setInterval(() => {
      const silentMs = Date.now() - this.lastFrameAt;
      if (silentMs > heartbeatMs + timeoutMs) this.abandon('heartbeat timed out');
      else if (silentMs > heartbeatMs) this.transmit({ v: protocolVersion, type: 'ping' });
    }, every);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private onFrame(text: string): void {
    this.lastFrameAt = Date.now();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = serverFrame.safeParse(json);
    if (!parsed.success) return;
    this.emit('frame', parsed.data);
    this.handle(parsed.data);
  }

  private handle(frame: ServerFrame): void {
    if (frame.type === 'ack') this.pending.acked(frame.clientMsgId, frame);
    else if (frame.type === 'message') this.onMessage(frame.message);
    else if (frame.type === 'error') this.onError(frame);
    else if (frame.type === 'synced') this.onSynced(frame);
    else if (frame.type === 'notification') this.emit('notification', frame.notification);
    else if (frame.type === 'ready') this.emit('ready', frame);
    else if (frame.type === 'read') this.emit('read', frame);
    else if (frame.type === 'typing') this.emit('typing', frame);
    else if (frame.type === 'updated') this.emit('updated', frame);
  }

  private onMessage(message: MessageView): void {
    const { released, gapAfter } = this.tracker.accept(message);
    if (gapAfter !== undefined)
      this.transmit({ v: protocolVersion, type: 'sync', cursors: { [message.conversationId]: gapAfter } });
    if (released.length === 0) return;
    for (const m of released) this.emit('message', m);
    void this.cursorStore.save(this.tracker.cursors());
  }

  private onSynced(frame: FrameOf<'synced'>): void {
    for (const m of this.tracker.settle(frame.cursors, frame.removed)) this.emit('message', m);
    void this.cursorStore.save(this.tracker.cursors());
    this.emit('synced', frame);
  }

  private onError(frame: FrameOf<'error'>): void {
    const error = new SoulChatError(frame.code, frame.message);
    const resend = frame.ref ? this.pending.frames().find((f) => f.clientMsgId === frame.ref) : undefined;
    if (!resend) this.emit('error', error);
    else if (finalSendErrors.has(frame.code)) this.pending.failed(resend.clientMsgId, error);
    else setTimeout(() => this.transmit(resend), this.options.resendDelayMs);
  }
}
