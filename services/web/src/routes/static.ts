import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, notFound } from '@soulchat/platform';
import type { Middleware } from 'koa';
import { cacheControlOf, contentTypeOf, securityHeaders } from '../domain/headers.ts';
import { targetOf } from '../domain/paths.ts';

/** Health, metrics and the API documents are served by the shared app before this. */
const reserved = new Set(['/healthz', '/readyz', '/metrics']);

async function fileIn(root: string, relative: string): Promise<{ full: string; size: number } | undefined> {
  const full = path.join(root, relative);
  if (!full.startsWith(root + path.sep)) return undefined;
  const info = await stat(full).catch(() => undefined);
  return info?.isFile() ? { full, size: info.size } : undefined;
}

/** The web app's files (GET and HEAD only), each with the security headers; the page for app addresses. */
export function staticFiles(root: string): Middleware {
  const absoluteRoot = path.resolve(root);
  return async (ctx, next) => {
    if (reserved.has(ctx.path)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('allow', 'GET, HEAD');
      throw new AppError(
        'METHOD_NOT_ALLOWED',
        `${ctx.method} is not served here; the API routes are listed at /openapi/*.json`,
      );
    }
    const target = targetOf(ctx.path);
    if ('none' in target) throw notFound('file');
    const relative = 'page' in target ? 'index.html' : target.file;
    const file = await fileIn(absoluteRoot, relative);
    if (!file) throw notFound('file');
    ctx.set(securityHeaders);
    ctx.set('cache-control', cacheControlOf(relative));
    ctx.type = contentTypeOf(relative);
    ctx.length = file.size;
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file.full);
  };
}
