import type { Account, MessageView, Session } from '@soulchat/client';

/** The REST answers the app reads (the services' OpenAPI documents describe the routes). */
export interface Person {
  userId: string;
  username: string;
  displayName: string;
}

export interface Profile extends Person {
  bio: string | null;
  followers: number;
  following: number;
}

export interface Relationship {
  following: boolean;
  followedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
}

export interface ConversationSummary {
  id: string;
  kind: 'direct' | 'group';
  name: string;
  role: string;
  lastSeq: number;
  unread: number;
}

export interface Member {
  userId: string;
  role: 'owner' | 'admin' | 'member';
  readSeq: number;
}

export interface ConversationDetail {
  id: string;
  kind: 'direct' | 'group';
  name: string;
  description: string;
  lastSeq: number;
  members: Member[];
}

export interface PresenceView {
  userId: string;
  online: boolean;
  lastSeen: string | null;
}

export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  readAt?: string | null;
  createdAt: string;
}

interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

const q = encodeURIComponent;

/** Every call the app makes, in one place; errors arrive as SoulChatErrors from the session. */
export function createApi(session: Session) {
  const call = <T>(method: string, path: string, body?: unknown) => session.request<T>(method, path, body);
  return {
    me: () => call<Account>('GET', '/me'),
    searchPeople: (text: string) => call<Page<Person>>('GET', `/profiles?q=${q(text)}&limit=20`),
    profile: (userId: string) => call<Profile>('GET', `/profiles/${q(userId)}`),
    editProfile: (fields: { displayName?: string; bio?: string | null }) =>
      call<Profile>('PATCH', '/profiles/me', fields),
    relationship: (userId: string) => call<Relationship>('GET', `/profiles/${q(userId)}/relationship`),
    setRelation: (userId: string, what: 'follow' | 'block', on: boolean) =>
      call<unknown>(on ? 'PUT' : 'DELETE', `/profiles/${q(userId)}/${what}`),
    conversations: () => call<{ items: ConversationSummary[] }>('GET', '/conversations'),
    conversation: (id: string) => call<ConversationDetail>('GET', `/conversations/${q(id)}`),
    openDirect: (userId: string) => call<ConversationDetail>('POST', '/conversations/direct', { userId }),
    createGroup: (name: string, memberIds: string[]) =>
      call<ConversationDetail>('POST', '/groups', { name, memberIds }),
    addMember: (id: string, userId: string) => call<unknown>('POST', `/groups/${q(id)}/members`, { userId }),
    removeMember: (id: string, userId: string) => call<unknown>('DELETE', `/groups/${q(id)}/members/${q(userId)}`),
    setRole: (id: string, userId: string, role: 'admin' | 'member') =>
      call<unknown>('PATCH', `/groups/${q(id)}/members/${q(userId)}`, { role }),
    history: (id: string, beforeSeq: number) =>
      call<{ items: MessageView[]; lastSeq: number }>(
        'GET',
        `/conversations/${q(id)}/messages?before=${beforeSeq}&limit=50`,
      ),
    edit: (messageId: string, content: string) => call<unknown>('PATCH', `/messages/${q(messageId)}`, { content }),
    recall: (messageId: string) => call<unknown>('DELETE', `/messages/${q(messageId)}`),
    react: (messageId: string, emoji: string, on: boolean) =>
      call<unknown>(on ? 'PUT' : 'DELETE', `/messages/${q(messageId)}/reactions/${q(emoji)}`),
    presence: (ids: string[]) => call<{ items: PresenceView[] }>('GET', `/presence?ids=${ids.map(q).join(',')}`),
    notifications: () => call<Page<NotificationItem>>('GET', '/notifications?limit=30'),
    unreadNotifications: () => call<{ count: number }>('GET', '/notifications/unread-count'),
    readAllNotifications: () => call<unknown>('POST', '/notifications/read-all'),
  };
}

export type Api = ReturnType<typeof createApi>;
