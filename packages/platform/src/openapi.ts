import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import type { Subscription } from './subscriptions.ts';

/**
 * OpenAPI 3.1 documents built from the routes themselves (routes.ts): the schemas the handlers
 * validate with, their access and their paths. `routeDrift` (each service's test) checks that the
 * app serves nothing else.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call: anyone (`open`), a bearer access token (`user`), a bearer token with the admin
 * role (`admin`), or only the sidecar (`sidecar`).
 */
export type RouteAccess = 'open' | 'user' | 'admin' | 'sidecar';

export interface RouteDoc {
  method: HttpMethod;
  /** Koa syntax, exactly as the router declares it: `/profiles/:userId/follow`. */
  path: string;
  summary: string;
  access: RouteAccess;
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  headers?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
  /** Status code -> meaning. 400 (with inputs) and 401 (with access) are added for every route. */
  responses: Record<number, string>;
  /** The body of a successful answer (2xx), when it has one. */
  output?: z.ZodType | undefined;
}

type JsonSchema = Record<string, unknown>;

/** The routes createApp mounts on every service (health, metrics) and the document itself. */
export const opsRoutes: RouteDoc[] = [
  { method: 'get', path: '/healthz', summary: 'the process is alive', access: 'open', responses: { 200: 'alive' } },
  {
    method: 'get',
    path: '/readyz',
    summary: 'every dependency answers',
    access: 'open',
    responses: { 200: 'ready', 503: 'a dependency does not answer' },
  },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', access: 'open', responses: { 200: 'metrics' } },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'this document',
    access: 'open',
    responses: { 200: 'the OpenAPI document' },
  },
];

/** What mountSubscriptions serves to the sidecar; listed by services that subscribe to events. */
export const daprSubscribeRoute: RouteDoc = {
  method: 'get',
  path: '/dapr/subscribe',
  summary: 'the topics this app subscribes to (asked by its sidecar)',
  access: 'sidecar',
  responses: { 200: 'the subscriptions' },
};

/** An event delivery route of mountSubscriptions: a CloudEvent from the sidecar. */
export const eventRoute = (path: string, topic: string): RouteDoc => ({
  method: 'post',
  path,
  summary: `delivers a ${topic} event`,
  access: 'sidecar',
  responses: { 200: '{status: SUCCESS | RETRY | DROP}' },
});

/** The routes mountSubscriptions serves for these subscriptions (none without any). */
export const subscriptionRoutes = (subs: Subscription[]): RouteDoc[] =>
  subs.length === 0 ? [] : [daprSubscribeRoute, ...subs.map((s) => eventRoute(s.route, s.topic))];

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

// Input schemas: what a client sends (before defaults and transforms). Refinements have no JSON
// Schema form and are dropped; the service still enforces them (a 400, never a 5xx). Output
// schemas: what the service answers.
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query' | 'header'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema);
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

const security: Record<RouteAccess, Array<Record<string, string[]>>> = {
  open: [],
  user: [{ bearer: [] }],
  admin: [{ bearer: [] }],
  sidecar: [{ appToken: [] }],
};

function operation(route: RouteDoc, service: string): JsonSchema {
  const hasInput = Boolean(route.params ?? route.query ?? route.headers ?? route.body);
  const statuses: Record<number, string> = {
    ...(hasInput ? { 400: 'invalid input' } : {}),
    ...(route.access === 'open' ? {} : { 401: 'missing or invalid credentials' }),
    ...(route.access === 'admin' ? { 403: 'not an admin' } : {}),
    ...route.responses,
  };
  const success = (status: number) => status >= 200 && status < 300 && status !== 204;
  const responses = Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => {
      const code = Number(status);
      if (code >= 400) return [status, { description, ...json({ $ref: '#/components/schemas/Error' }) }];
      if (route.output && success(code)) return [status, { description, ...json(jsonSchema(route.output, 'output')) }];
      return [status, { description }];
    }),
  );
  const params = [
    ...parameters(route.params, 'path'),
    ...parameters(route.query, 'query'),
    ...parameters(route.headers, 'header'),
  ];
  return {
    operationId: `${route.method}${route.path.replaceAll(/[^A-Za-z0-9]+/g, '_')}`,
    summary: route.summary,
    tags: [service],
    security: security[route.access],
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }
      : {}),
    responses,
  };
}

/** `/profiles/:userId/follow` -> `/profiles/{userId}/follow`. */
export const openApiPath = (koaPath: string) => koaPath.replaceAll(/:([A-Za-z0-9_]+)/g, '{$1}');

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; 'x-service': string };
  paths: Record<string, Record<string, JsonSchema>>;
  components: JsonSchema;
}

/** Where the Envoy ingress serves a service's document (an open route in stack.json). */
export const publicOpenApiPath = (service: string) => `/openapi/${service}.json`;

/** The service's document: its own routes plus the platform's ops routes. */
export function openApiDocument(service: string, routes: RouteDoc[], version = '1'): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const published: RouteDoc = {
    method: 'get',
    path: publicOpenApiPath(service),
    summary: 'this document, as the ingress serves it',
    access: 'open',
    responses: { 200: 'the OpenAPI document' },
  };
  for (const route of [...routes, ...opsRoutes, published]) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route, service) };
  }
  return {
    openapi: '3.1.0',
    info: { title: `SoulChat ${service} service`, version, 'x-service': service },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        appToken: { type: 'apiKey', in: 'header', name: 'dapr-api-token' },
      },
      schemas: { Error: errorSchema },
    },
  };
}

/** Serves the document at GET /openapi.json, and at the path the ingress routes to (/openapi/<service>.json). */
export function openApiRouter(document: OpenApiDocument): Router {
  const router = new Router();
  const serve = (ctx: { body: unknown }) => {
    ctx.body = document;
  };
  router.get('/openapi.json', serve);
  router.get(publicOpenApiPath(document.info['x-service']), serve);
  return router;
}

/** Every `METHOD path` the app's routers answer (HEAD, which Koa adds to GET, is left out). */
export function appRoutes(app: Koa): string[] {
  const found = new Set<string>();
  for (const middleware of app.middleware) {
    const router = (middleware as { router?: Router }).router;
    for (const layer of router?.stack ?? []) {
      // A RegExp path is not a route a client can name; none of ours use one.
      if (typeof layer.path !== 'string') continue;
      for (const method of layer.methods) {
        if (method !== 'HEAD') found.add(`${method} ${openApiPath(layer.path)}`);
      }
    }
  }
  return [...found].sort();
}

/** Routes the app serves but the document lacks, and the reverse: both empty when they agree. */
export function routeDrift(app: Koa, document: OpenApiDocument): { undocumented: string[]; unserved: string[] } {
  const served = appRoutes(app);
  const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
  return {
    undocumented: served.filter((r) => !documented.includes(r)),
    unserved: documented.filter((r) => !served.includes(r)).sort(),
  };
}
