import {
  type Account,
  browserTokenStore,
  ChatSocket,
  type ConnectionState,
  indexedDbCursorStore,
  MediaLinkCache,
  type MessageView,
  type NotificationView,
  Session,
} from '@soulchat/client';
import { type Api, type ConversationDetail, type ConversationSummary, createApi, type Person } from './api.ts';
import { attachmentOf } from './media.ts';
import {
  applyChange,
  attachToPending,
  type ChatMessage,
  failPending,
  mergeTimeline,
  pendingMessage,
  pendingUpload,
  stored,
} from './timeline.ts';
import { describeError } from './words.ts';

export interface AppState {
  me: Account | null;
  /** The socket's state, or `offline` when the browser says the network is gone. */
  connection: ConnectionState | 'offline';
  conversations: ConversationSummary[];
  details: Record<string, ConversationDetail>;
  timelines: Record<string, ChatMessage[]>;
  /** The lowest seq loaded per conversation (1: the whole history is here). */
  oldest: Record<string, number>;
  /** Read positions per conversation and member (from the conversation, then live receipts). */
  reads: Record<string, Record<string, number>>;
  /** Who is typing, until when (ms). */
  typing: Record<string, Record<string, number>>;
  people: Record<string, Person>;
  online: Record<string, boolean>;
  notifications: NotificationView[];
  unreadNotifications: number;
  open: string | null;
  /** Why the open conversation cannot be shown (not a member, no such conversation). */
  openError: string | null;
  notice: string | null;
}

const initial: AppState = {
  me: null,
  connection: 'closed',
  conversations: [],
  details: {},
  timelines: {},
  oldest: {},
  reads: {},
  typing: {},
  people: {},
  online: {},
  notifications: [],
  unreadNotifications: 0,
  open: null,
  openError: null,
  notice: null,
};

const typingShownMs = 5_000;

/** The app's one store: the SDK's session and socket, and what the screens show. */
export class Store {
  private state = initial;
  private readonly listeners = new Set<() => void>();
  readonly session = new Session({ baseUrl: location.origin, store: browserTokenStore() });
  readonly api: Api = createApi(this.session);
  /** Download links of the uploads on screen, read when first shown and kept until they expire. */
  readonly media = new MediaLinkCache((id) => this.session.media(id));
  private chat: ChatSocket | undefined;
  private presenceTimer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    // A device that loses its network loses its socket too (phones do); sends wait in the SDK.
    addEventListener('offline', () => {
      this.chat?.dropLink();
      if (this.chat) this.set({ connection: 'offline' });
    });
    addEventListener('online', () => {
      if (!this.chat) return;
      this.set({ connection: this.chat.connectionState });
      this.chat.reconnectNow();
    });
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = () => this.state;

  private set(change: Partial<AppState>): void {
    this.state = { ...this.state, ...change };
    for (const l of this.listeners) l();
  }

  notify(message: string | null): void {
    this.set({ notice: message });
  }

  /** Reports a failure in words a person can act on (never a stack or raw JSON). */
  fail(err: unknown): void {
    this.notify(describeError(err));
  }

  async resume(): Promise<void> {
    if (!this.session.loggedIn) return;
    try {
      await this.begin(await this.api.me());
    } catch (err) {
      this.fail(err);
    }
  }

  async login(identifier: string, password: string): Promise<void> {
    await this.begin(await this.session.login(identifier, password));
  }

  async register(username: string, email: string, password: string, displayName: string): Promise<void> {
    await this.session.register({ username, email, password, ...(displayName ? { displayName } : {}) });
    await this.login(username, password);
  }

  async logout(): Promise<void> {
    this.chat?.close();
    this.chat = undefined;
    clearInterval(this.presenceTimer);
    await this.session.logout().catch(() => {});
    this.state = initial;
    this.set({});
  }

  private async begin(me: Account): Promise<void> {
    this.set({ me, people: { ...this.state.people, [me.id]: personOf(me) } });
    const chat = new ChatSocket({
      baseUrl: this.session.baseUrl,
      token: (fresh) => this.session.accessToken(fresh),
      cursors: indexedDbCursorStore(`soulchat-cursors-${me.id}`),
      heartbeatMs: 10_000,
      timeoutMs: 5_000,
    });
    this.chat = chat;
    chat.on('state', (s) => this.set({ connection: navigator.onLine ? s : 'offline' }));
    chat.on('message', (m) => this.onMessage(m));
    chat.on('updated', (u) => this.updateTimeline(u.conversationId, (t) => applyChange(t, u)));
    chat.on('typing', (t) => this.onTyping(t.conversationId, t.userId));
    chat.on('read', (r) => this.setRead(r.conversationId, r.userId, r.seq));
    chat.on('notification', (n) => this.onNotification(n));
    chat.on('error', (e) => this.fail(e));
    await this.refreshConversations();
    await chat.start();
    void this.refreshNotifications();
    this.presenceTimer = setInterval(() => void this.refreshPresence(), 15_000);
  }

  async refreshConversations(): Promise<void> {
    const { items } = await this.api.conversations();
    // Live messages of a conversation start after what the list says it holds.
    for (const c of items) this.chat?.follow(c.id, c.lastSeq);
    this.set({ conversations: items });
    await this.learnPeople(items.filter((c) => c.kind === 'direct').map((c) => c.id));
  }

  /** Names for direct conversations (the other member) and senders. */
  private async learnPeople(conversationIds: string[]): Promise<void> {
    await Promise.all(conversationIds.map((id) => this.loadDetail(id).catch(() => undefined)));
  }

  async loadDetail(id: string): Promise<ConversationDetail> {
    const detail = await this.api.conversation(id);
    const reads = Object.fromEntries(detail.members.map((m) => [m.userId, m.readSeq]));
    this.set({
      details: { ...this.state.details, [id]: detail },
      reads: { ...this.state.reads, [id]: { ...reads, ...this.state.reads[id] } },
    });
    await this.loadPeople(detail.members.map((m) => m.userId));
    return detail;
  }

  async loadPeople(ids: string[]): Promise<void> {
    const missing = ids.filter((id) => !this.state.people[id]);
    const found = await Promise.all(missing.map((id) => this.api.profile(id).catch(() => undefined)));
    const people = { ...this.state.people };
    for (const p of found) if (p) people[p.userId] = personOf(p);
    this.set({ people });
    void this.refreshPresence();
  }

  async refreshPresence(): Promise<void> {
    const ids = Object.keys(this.state.people).slice(0, 100);
    if (ids.length === 0 || !this.state.me) return;
    const { items } = await this.api.presence(ids).catch(() => ({ items: [] }));
    this.set({ online: Object.fromEntries(items.map((p) => [p.userId, p.online])) });
  }

  async openConversation(id: string | null): Promise<void> {
    this.set({ open: id, openError: null });
    if (!id) return;
    try {
      const detail = await this.loadDetail(id);
      if (!this.state.timelines[id]) await this.loadOlder(id, detail.lastSeq + 1);
      this.markRead(id);
    } catch (err) {
      if (this.state.open === id) this.set({ openError: describeError(err) });
    }
  }

  async loadOlder(id: string, before = this.state.oldest[id] ?? Number.MAX_SAFE_INTEGER): Promise<void> {
    const { items } = await this.api.history(id, before);
    const oldest = items[0]?.seq ?? 1;
    this.updateTimeline(id, (t) => mergeTimeline(t, items.map(stored)));
    this.set({ oldest: { ...this.state.oldest, [id]: items.length < 50 ? 1 : oldest } });
  }

  send(conversationId: string, text: string): void {
    const me = this.state.me;
    if (!me || !this.chat) return;
    const clientMsgId = crypto.randomUUID();
    this.updateTimeline(conversationId, (t) =>
      mergeTimeline(t, [pendingMessage(conversationId, me.id, clientMsgId, text)]),
    );
    this.deliver(conversationId, clientMsgId, text);
  }

  /**
   * Uploads a file and sends it with the caption: as an image when the server read an image from
   * its bytes, as a file otherwise. It shows as a pending send from the start; a refused upload
   * (too large, a type not accepted, too many) marks it not sent, like any refused send.
   */
  sendFile(conversationId: string, file: File, caption: string): void {
    const me = this.state.me;
    if (!me || !this.chat) return;
    const clientMsgId = crypto.randomUUID();
    this.updateTimeline(conversationId, (t) =>
      mergeTimeline(t, [pendingUpload(conversationId, me.id, clientMsgId, caption, file)]),
    );
    this.session
      .upload(file, file.name)
      .then((upload) => {
        this.media.remember(upload);
        const attachment = attachmentOf(upload);
        this.updateTimeline(conversationId, (t) => attachToPending(t, clientMsgId, attachment));
        this.deliver(conversationId, clientMsgId, caption, { kind: upload.kind, mediaId: upload.id });
      })
      .catch((err: unknown) => {
        this.updateTimeline(conversationId, (t) => failPending(t, clientMsgId, describeError(err)));
      });
  }

  /** Hands a pending send to the socket, which keeps it until it is stored or refused for good. */
  private deliver(
    conversationId: string,
    clientMsgId: string,
    text: string,
    upload?: { kind: 'image' | 'file'; mediaId: string },
  ): void {
    const options = upload ? { kind: upload.kind, attachment: { mediaId: upload.mediaId } } : {};
    this.chat?.send(conversationId, text, { clientMsgId, ...options }).catch((err: unknown) => {
      this.updateTimeline(conversationId, (t) => failPending(t, clientMsgId, describeError(err)));
    });
  }

  typing(conversationId: string): void {
    this.chat?.typing(conversationId);
  }

  markRead(conversationId: string): void {
    const timeline = this.state.timelines[conversationId] ?? [];
    const last = timeline.filter((m) => !m.pending).at(-1)?.seq;
    if (last === undefined || !this.state.me) return;
    if ((this.state.reads[conversationId]?.[this.state.me.id] ?? 0) >= last) return;
    this.chat?.read(conversationId, last);
    this.setRead(conversationId, this.state.me.id, last);
    this.set({
      conversations: this.state.conversations.map((c) => (c.id === conversationId ? { ...c, unread: 0 } : c)),
    });
  }

  async readAllNotifications(): Promise<void> {
    await this.api.readAllNotifications();
    this.set({ unreadNotifications: 0 });
  }

  private async refreshNotifications(): Promise<void> {
    const [{ items }, { count }] = await Promise.all([this.api.notifications(), this.api.unreadNotifications()]).catch(
      () => [{ items: [] }, { count: 0 }] as const,
    );
    this.set({
      notifications: items.map((n) => ({ ...n, data: {} })),
      unreadNotifications: count,
    });
  }

  private onNotification(n: NotificationView): void {
    this.set({
      notifications: [n, ...this.state.notifications].slice(0, 50),
      unreadNotifications: this.state.unreadNotifications + 1,
    });
  }

  private onMessage(m: MessageView): void {
    this.updateTimeline(m.conversationId, (t) => mergeTimeline(t, [stored(m)]));
    const known = this.state.conversations.find((c) => c.id === m.conversationId);
    if (!known) {
      void this.refreshConversations();
      return;
    }
    const mine = m.senderId === this.state.me?.id;
    const watching = this.state.open === m.conversationId && document.visibilityState === 'visible';
    this.set({
      conversations: this.state.conversations.map((c) =>
        c.id === m.conversationId
          ? { ...c, lastSeq: Math.max(c.lastSeq, m.seq), unread: mine || watching ? c.unread : c.unread + 1 }
          : c,
      ),
    });
    this.clearTyping(m.conversationId, m.senderId);
    if (watching) this.markRead(m.conversationId);
    void this.loadPeople([m.senderId]);
  }

  private onTyping(conversationId: string, userId: string): void {
    if (userId === this.state.me?.id) return;
    const until = Date.now() + typingShownMs;
    this.set({
      typing: { ...this.state.typing, [conversationId]: { ...this.state.typing[conversationId], [userId]: until } },
    });
    setTimeout(() => {
      if ((this.state.typing[conversationId]?.[userId] ?? 0) <= Date.now()) this.clearTyping(conversationId, userId);
    }, typingShownMs + 50);
  }

  private clearTyping(conversationId: string, userId: string): void {
    const current = this.state.typing[conversationId];
    if (!current?.[userId]) return;
    const { [userId]: _gone, ...rest } = current;
    this.set({ typing: { ...this.state.typing, [conversationId]: rest } });
  }

  private setRead(conversationId: string, userId: string, seq: number): void {
    const reads = this.state.reads[conversationId] ?? {};
    if ((reads[userId] ?? 0) >= seq) return;
    this.set({ reads: { ...this.state.reads, [conversationId]: { ...reads, [userId]: seq } } });
  }

  private updateTimeline(id: string, change: (t: ChatMessage[]) => ChatMessage[]): void {
    this.set({ timelines: { ...this.state.timelines, [id]: change(this.state.timelines[id] ?? []) } });
  }
}

/** How the app names someone: from a profile, or from the account (the caller's own). */
function personOf(p: {
  userId?: string;
  id?: string;
  username: string;
  displayName?: unknown;
  imageUrl?: string | null;
}): Person {
  const userId = p.userId ?? p.id ?? '';
  const displayName = typeof p.displayName === 'string' ? p.displayName : p.username;
  return { userId, username: p.username, displayName, imageUrl: p.imageUrl ?? null };
}
