import type { SendFrame } from '@soulchat/contracts/chat-protocol';

export interface Ack {
  conversationId: string;
  messageId: string;
  seq: number;
  /** True when the server had stored this client message id before (a resend). */
  duplicate: boolean;
}

interface Entry {
  frame: SendFrame;
  resolve: (ack: Ack) => void;
  reject: (err: Error) => void;
}

/**
 * Sends not yet acknowledged, in the order they were made. Each keeps its client message id,
 * so sending it again after a reconnect stores it once (the server answers a repeat with the
 * stored message).
 */
export class PendingSends {
  private readonly entries = new Map<string, Entry>();

  add(frame: SendFrame): Promise<Ack> {
    const existing = this.entries.get(frame.clientMsgId);
    if (existing) return Promise.reject(new Error(`client message id ${frame.clientMsgId} is already pending`));
    return new Promise<Ack>((resolve, reject) => this.entries.set(frame.clientMsgId, { frame, resolve, reject }));
  }

  acked(clientMsgId: string, ack: Ack): void {
    this.entries.get(clientMsgId)?.resolve(ack);
    this.entries.delete(clientMsgId);
  }

  failed(clientMsgId: string, err: Error): void {
    this.entries.get(clientMsgId)?.reject(err);
    this.entries.delete(clientMsgId);
  }

  /** Every pending frame, oldest first: what to send again after a reconnect. */
  frames(): SendFrame[] {
    return [...this.entries.values()].map((e) => e.frame);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Rejects everything still pending (the client was closed for good). */
  rejectAll(err: Error): void {
    for (const e of this.entries.values()) e.reject(err);
    this.entries.clear();
  }
}
