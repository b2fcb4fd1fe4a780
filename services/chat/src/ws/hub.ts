import type { MessageView, ServerFrame } from '../domain/protocol.ts';
import type { ClientConnection } from './connection.ts';

/** The devices connected to this instance, by user. */
export class Hub {
  private readonly byUser = new Map<string, Set<ClientConnection>>();
  /** Told how many devices each delivered message went to (the delivered-messages metric). */
  onDelivered: (devices: number) => void = () => {};

  add(connection: ClientConnection): void {
    const set = this.byUser.get(connection.userId) ?? new Set();
    set.add(connection);
    this.byUser.set(connection.userId, set);
  }

  /** Returns true when it was the user's last connection here. */
  remove(connection: ClientConnection): boolean {
    const set = this.byUser.get(connection.userId);
    set?.delete(connection);
    if (set && set.size === 0) this.byUser.delete(connection.userId);
    return !this.byUser.has(connection.userId);
  }

  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /**
   * Done once each device has the message or had it: at once when every device took it at once,
   * else when the returned promise resolves. `ahead`: delivered at commit, before the fan-out's
   * copy (see ClientConnection.deliver).
   */
  deliver(message: MessageView, memberIds: string[], ahead = false): Promise<void> | undefined {
    let text: string | undefined;
    let sent = 0;
    const waiting: Promise<boolean>[] = [];
    for (const id of memberIds) {
      for (const c of this.byUser.get(id) ?? []) {
        text ??= JSON.stringify({ v: 1, type: 'message', message } satisfies ServerFrame);
        const now = c.deliver(message, text, ahead);
        if (now === true) sent += 1;
        else if (now !== false) waiting.push(now);
      }
    }
    // A device that had it already (delivered locally at commit, or by its sync) is not counted.
    if (waiting.length === 0) return void this.onDelivered(sent);
    return Promise.all(waiting).then((later) => this.onDelivered(sent + later.filter(Boolean).length));
  }

  broadcast(frame: ServerFrame, memberIds: string[], exceptUserId?: string): void {
    const text = JSON.stringify(frame);
    for (const id of memberIds) {
      if (id === exceptUserId) continue;
      for (const c of this.byUser.get(id) ?? []) c.sendText(text);
    }
  }

  userIds(): string[] {
    return [...this.byUser.keys()];
  }

  all(): ClientConnection[] {
    return [...this.byUser.values()].flatMap((set) => [...set]);
  }
}
