export type { MessageView, NotificationView, ServerFrame } from '@soulchat/contracts/chat-protocol';
export { type BackoffOptions, defaultBackoff, reconnectDelayMs } from './backoff.ts';
export { browserTokenStore, indexedDbCursorStore } from './browser-stores.ts';
export {
  type ChatEvents,
  ChatSocket,
  type ChatSocketOptions,
  type ConnectionState,
  type SendOptions,
  type WebSocketConstructor,
  type WebSocketLike,
} from './chat-socket.ts';
export { type CursorStore, memoryCursorStore } from './cursors.ts';
export { SoulChatError } from './errors.ts';
export type { Answer, Paths, RequestBody } from './http-types.ts';
export { MediaLinkCache, type MediaLinkCacheOptions } from './media-links.ts';
export type { Ack } from './pending-sends.ts';
export { SeqTracker } from './seq-tracker.ts';
export {
  type Account,
  type MediaUpload,
  type MediaView,
  memoryTokenStore,
  type Registration,
  Session,
  type SessionOptions,
  type TokenStore,
  type Tokens,
  uploadPath,
} from './session.ts';
