import type { MessageView } from '@soulchat/contracts/chat-protocol';

export interface Accepted {
  /** Messages now shown, in seq order: this one and any it unblocked (empty for a repeat or a hold). */
  released: MessageView[];
  /** Set when the message came after a gap: ask the server for everything after this seq. */
  gapAfter?: number;
}

/**
 * Per conversation, the highest seq held without a gap (the sync cursor). Messages are released
 * to the app in seq order and each once: a repeat is dropped, one after a gap waits until the
 * gap is filled (by a sync the caller sends when told `gapAfter`, once per gap).
 */
export class SeqTracker {
  private readonly cursor = new Map<string, number>();
  private readonly held = new Map<string, Map<number, MessageView>>();

  constructor(initial: Record<string, number> = {}) {
    for (const [id, seq] of Object.entries(initial)) this.cursor.set(id, seq);
  }

  /** The cursors to sync from, one per conversation. */
  cursors(): Record<string, number> {
    return Object.fromEntries(this.cursor);
  }

  /** Starts following a conversation at `seq` (opened or joined now; earlier messages are history). */
  follow(conversationId: string, seq: number): void {
    if (!this.cursor.has(conversationId)) this.cursor.set(conversationId, seq);
  }

  accept(message: MessageView): Accepted {
    const { conversationId, seq } = message;
    // A conversation seen for the first time starts at its first live message.
    const last = this.cursor.get(conversationId) ?? seq - 1;
    if (seq <= last) return { released: [] };
    if (seq > last + 1) {
      const held = this.held.get(conversationId) ?? new Map<number, MessageView>();
      // One sync per gap: later messages behind the same gap wait for the same answer.
      const newGap = held.size === 0;
      held.set(seq, message);
      this.held.set(conversationId, held);
      this.cursor.set(conversationId, last);
      return newGap ? { released: [], gapAfter: last } : { released: [] };
    }
    const released = [message];
    const held = this.held.get(conversationId);
    let next = seq + 1;
    for (let m = held?.get(next); m; m = held?.get(next)) {
      released.push(m);
      held?.delete(next);
      next++;
    }
    if (held?.size === 0) this.held.delete(conversationId);
    this.cursor.set(conversationId, next - 1);
    return { released };
  }

  /**
   * After a sync answered: messages still held behind a gap the server could not fill (it sent
   * all it has) are released in order, and conversations the caller left are forgotten.
   */
  settle(reached: Record<string, number>, removed: string[] = []): MessageView[] {
    for (const id of removed) {
      this.cursor.delete(id);
      this.held.delete(id);
    }
    const released: MessageView[] = [];
    for (const id of Object.keys(reached)) {
      const held = [...(this.held.get(id)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
      this.held.delete(id);
      released.push(...held);
      const last = held.at(-1)?.seq ?? 0;
      this.cursor.set(id, Math.max(this.cursor.get(id) ?? 0, reached[id] ?? 0, last));
    }
    return released;
  }
}
