import type { paths as ChatPaths } from './gen/chat.ts';
import type { paths as MediaPaths } from './gen/media.ts';
import type { paths as NotificationPaths } from './gen/notification.ts';
import type { paths as ProfilePaths } from './gen/profile.ts';
import type { paths as UserPaths } from './gen/user.ts';

/**
 * Every route a client may call, typed from the services' OpenAPI documents (generated into
 * gen/ by tools/http-types.ts from the routes' own zod schemas).
 */
export type Paths = UserPaths & ProfilePaths & ChatPaths & NotificationPaths & MediaPaths;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Success<R> = { [S in keyof R]: S extends 200 | 201 | 202 ? Json<R[S]> : never }[keyof R];

/** The JSON body of a successful answer of `method path`, e.g. `Answer<'/conversations', 'get'>`. */
export type Answer<P extends keyof Paths, M extends Method> =
  Paths[P] extends Record<M, { responses: infer R }> ? Success<R> : never;

/** The JSON body `method path` takes. */
export type RequestBody<P extends keyof Paths, M extends Method> =
  Paths[P] extends Record<M, { requestBody?: { content: { 'application/json': infer B } } }> ? B : never;
