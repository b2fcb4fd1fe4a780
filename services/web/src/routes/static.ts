import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '@soulchat/platform';
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
    // Every path no API route claims ends here: to anything but a read it is an unknown route.
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw notFound(`route ${ctx.method} ${ctx.path}`);
    const target = targetOf(ctx.path);
    if ('none' in target) throw notFound('file');
    const relative = 'page' in target ? 'index.html' : target.file;
    const file = await fileIn(absoluteRoot, relative);
    if (!file) throw notFound('file');
    ctx.set(securityHeaders);
    ctx.set('cache-control', cacheControlOf(relative));
    // HEAD: the headers only (Koa sends no body for it); no file is opened.
    ctx.status = 200;
    ctx.type = contentTypeOf(relative);
    ctx.length = file.size;
    if (ctx.method === 'GET') ctx.body = createReadStream(file.full);
  };
}
