import { openApiDocument, type RouteDoc } from '@soulchat/platform';
import { z } from 'zod';
import { idempotencyKey, loginBody, refreshBody, registerBody, registrationParams } from './auth/schema.ts';
import { changePasswordBody, deleteMeBody, updateMeBody } from './me/schema.ts';

/** Every route of the user service, with the schemas its handlers validate with. */
export const userRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/register',
    summary: 'register an account (runs the registration saga)',
    access: 'open',
    headers: z.object({ 'idempotency-key': idempotencyKey }),
    body: registerBody,
    responses: {
      201: 'registered',
      202: 'still running: poll Location',
      409: 'username or email taken',
      503: 'the saga compensated; retry with the same key',
    },
  },
  {
    method: 'get',
    path: '/registrations/:id',
    summary: 'the state of a registration',
    access: 'open',
    params: registrationParams,
    responses: { 201: 'registered', 202: 'pending', 404: 'no such registration', 409: 'taken', 503: 'compensated' },
  },
  {
    method: 'post',
    path: '/login',
    summary: 'log in with a username or email',
    access: 'open',
    body: loginBody,
    responses: { 200: 'tokens and the account', 429: 'too many failed logins' },
  },
  {
    method: 'post',
    path: '/token/refresh',
    summary: 'rotate a refresh token',
    access: 'open',
    body: refreshBody,
    responses: { 200: 'new tokens' },
  },
  {
    method: 'post',
    path: '/logout',
    summary: 'revoke the session',
    access: 'user',
    body: refreshBody,
    responses: { 204: 'revoked' },
  },
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: 'public keys for access tokens',
    access: 'open',
    responses: { 200: 'the JWKS' },
  },
  { method: 'get', path: '/me', summary: 'my account', access: 'user', responses: { 200: 'the account' } },
  {
    method: 'patch',
    path: '/me',
    summary: 'change my email',
    access: 'user',
    body: updateMeBody,
    responses: { 200: 'the account', 409: 'email taken' },
  },
  {
    method: 'post',
    path: '/me/password',
    summary: 'change my password (revokes my other sessions)',
    access: 'user',
    body: changePasswordBody,
    responses: { 204: 'changed' },
  },
  {
    method: 'delete',
    path: '/me',
    summary: 'delete my account',
    access: 'user',
    body: deleteMeBody,
    responses: { 204: 'deleted' },
  },
  {
    method: 'post',
    path: '/internal/keys/rotate',
    summary: 'new signing key (sidecar only)',
    access: 'sidecar',
    responses: { 200: '{kid}' },
  },
];

export const userOpenApi = openApiDocument('user', userRoutes);
