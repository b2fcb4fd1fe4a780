import type { Account, Answer, Session } from '@soulchat/client';

/** The REST answers the app reads, typed from the services' OpenAPI documents (generated). */
export type Person = Answer<'/profiles', 'get'>['items'][number];
export type Profile = Answer<'/profiles/{userId}', 'get'>;
export type Relationship = Answer<'/profiles/{userId}/relationship', 'get'>;
export type ConversationSummary = Answer<'/conversations', 'get'>['items'][number];
export type ConversationDetail = Answer<'/conversations/{id}', 'get'>;
export type Member = ConversationDetail['members'][number];
export type PresenceView = Answer<'/presence', 'get'>['items'][number];
export type NotificationItem = Answer<'/notifications', 'get'>['items'][number];
type History = Answer<'/conversations/{id}/messages', 'get'>;

const q = encodeURIComponent;

/** Every call the app makes, in one place; errors arrive as SoulChatErrors from the session. */
export function createApi(session: Session) {
  const call = <T>(method: string, path: string, body?: unknown) => session.request<T>(method, path, body);
  return {
    me: () => call<Account & Answer<'/me', 'get'>>('GET', '/me'),
    searchPeople: (text: string) => call<Answer<'/profiles', 'get'>>('GET', `/profiles?q=${q(text)}&limit=20`),
    profile: (userId: string) => call<Profile>('GET', `/profiles/${q(userId)}`),
    editProfile: (fields: { displayName?: string; bio?: string | null }) =>
      call<Profile>('PATCH', '/profiles/me', fields),
    relationship: (userId: string) => call<Relationship>('GET', `/profiles/${q(userId)}/relationship`),
    setRelation: (userId: string, what: 'follow' | 'block', on: boolean) =>
      call<unknown>(on ? 'PUT' : 'DELETE', `/profiles/${q(userId)}/${what}`),
    conversations: () => call<Answer<'/conversations', 'get'>>('GET', '/conversations'),
    conversation: (id: string) => call<ConversationDetail>('GET', `/conversations/${q(id)}`),
    openDirect: (userId: string) => call<ConversationDetail>('POST', '/conversations/direct', { userId }),
    createGroup: (name: string, memberIds: string[]) =>
      call<ConversationDetail>('POST', '/groups', { name, memberIds }),
    addMember: (id: string, userId: string) => call<unknown>('POST', `/groups/${q(id)}/members`, { userId }),
    removeMember: (id: string, userId: string) => call<unknown>('DELETE', `/groups/${q(id)}/members/${q(userId)}`),
    setRole: (id: string, userId: string, role: 'admin' | 'member') =>
      call<unknown>('PATCH', `/groups/${q(id)}/members/${q(userId)}`, { role }),
    history: (id: string, beforeSeq: number) =>
      call<History>('GET', `/conversations/${q(id)}/messages?before=${beforeSeq}&limit=50`),
    edit: (messageId: string, content: string) => call<unknown>('PATCH', `/messages/${q(messageId)}`, { content }),
    recall: (messageId: string) => call<unknown>('DELETE', `/messages/${q(messageId)}`),
    react: (messageId: string, emoji: string, on: boolean) =>
      call<unknown>(on ? 'PUT' : 'DELETE', `/messages/${q(messageId)}/reactions/${q(emoji)}`),
    presence: (ids: string[]) => call<Answer<'/presence', 'get'>>('GET', `/presence?ids=${ids.map(q).join(',')}`),
    notifications: () => call<Answer<'/notifications', 'get'>>('GET', '/notifications?limit=30'),
    unreadNotifications: () => call<Answer<'/notifications/unread-count', 'get'>>('GET', '/notifications/unread-count'),
    readAllNotifications: () => call<unknown>('POST', '/notifications/read-all'),
  };
}

export type Api = ReturnType<typeof createApi>;
