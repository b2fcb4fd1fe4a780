import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import { callerOf } from './auth.ts';
import { AppError, forbidden } from './errors.ts';
import type { HttpMethod, RouteAccess } from './openapi.ts';
import { parseInput } from './validate.ts';

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler gets: each input already checked against its schema (a 400 otherwise). */
export interface RouteInput<P extends Schema, Q extends Schema, B extends Schema, H extends Schema> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  headers: Parsed<H>;
}

/**
 * One HTTP route, declared once: the router mounts it behind the guard its `access` names and
 * validates its inputs with its schemas, and the OpenAPI document is built from the same object,
 * so the document cannot promise a schema, an access rule or a path the handler does not have.
 */
export interface RouteSpec<
  P extends Schema = Schema,
  Q extends Schema = Schema,
  B extends Schema = Schema,
  H extends Schema = Schema,
> {
  method: HttpMethod;
  /** Koa syntax, the full path: `/profiles/:userId/follow`. */
  path: string;
  summary: string;
  access: RouteAccess;
  params?: P;
  query?: Q;
  /** Header names in lower case, as Node gives them. */
  headers?: H;
  body?: B;
  /** Status code -> meaning. 400 (with inputs) and 401 (with access) are added for every route. */
  responses: Record<number, string>;
  /**
   * The body of a successful answer (any 2xx with a body): in the OpenAPI document, so clients'
   * types are generated from it, and checked against every answer where CHECK_RESPONSES is on.
   */
  output?: z.ZodType;
  // A method, so a route with its own input types fits a list of routes.
  handle(ctx: Context, input: RouteInput<P, Q, B, H>): Promise<void> | void;
}

/** Any route, as lists of routes hold them. */
export type Route = RouteSpec;

/** Declares a route; the handler's input types come from the schemas. */
export function route<
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
  H extends Schema = undefined,
>(spec: RouteSpec<P, Q, B, H>): Route {
  return spec as Route;
}

/** The middleware that admits a caller for each access level other than `open`. */
export interface RouteGuards {
  user?: Middleware;
  sidecar?: Middleware;
}

/** After the user guard: only callers whose token carries the admin role (a 403 before the inputs). */
const requireAdmin: Middleware = async (ctx, next) => {
  if (!callerOf(ctx).roles.includes('admin')) throw forbidden('admins only');
  await next();
};

function guardFor(access: RouteAccess, guards: RouteGuards, path: string): Middleware[] {
  if (access === 'open') return [];
  const guard = guards[access === 'admin' ? 'user' : access];
  if (!guard) throw new Error(`route ${path} needs the ${access} guard, and the app has none`);
  return access === 'admin' ? [guard, requireAdmin] : [guard];
}

let checkResponses = false;

/**
 * Turns the answer check on (the test stacks: a body that breaks its documented schema is then a
 * 500 naming the difference, so every suite also checks the documents clients are generated from).
 */
export function setResponseChecks(on: boolean): void {
  checkResponses = on;
}

function checkOutput(spec: Route, ctx: Context): void {
  if (!checkResponses || !spec.output || ctx.status < 200 || ctx.status >= 300 || ctx.body == null) return;
  const result = spec.output.safeParse(ctx.body);
  if (result.success) return;
  const issue = result.error.issues[0];
  throw new AppError(
    'INTERNAL',
    `the answer of ${spec.method.toUpperCase()} ${spec.path} breaks its documented schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
  );
}

const parsed = <S extends Schema>(schema: S, value: unknown) =>
  (schema ? parseInput(schema, value) : undefined) as Parsed<S>;

/** A router serving the routes: guard first (401, 403 before 400), then inputs, then the handler. */
export function routesRouter(routes: Route[], guards: RouteGuards): Router {
  const router = new Router();
  for (const spec of routes) {
    router[spec.method](spec.path, ...guardFor(spec.access, guards, spec.path), async (ctx: Context) => {
      await spec.handle(ctx, {
        params: parsed(spec.params, ctx.params),
        query: parsed(spec.query, ctx.query),
        headers: parsed(spec.headers, ctx.headers),
        body: parsed(spec.body, ctx.request.body),
      });
      checkOutput(spec, ctx);
    });
  }
  return router;
}
