import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { type Route, route } from '@soulchat/platform';
import type { Context } from 'koa';
import type { MediaDeps } from '../../use-cases/deps.ts';
import { type Download, openAvatar, openDownload } from '../../use-cases/download.ts';
import { fileParams, fileQuery } from '../media/schema.ts';

function stream(ctx: Context, download: Download): void {
  ctx.set(download.headers);
  ctx.body = Readable.fromWeb(download.body as NodeReadableStream<Uint8Array>);
}

/** Downloads by signed link: no token (an <img> cannot send one), the signature is the permission. */
export function fileRoutes(deps: MediaDeps): Route[] {
  return [
    route({
      method: 'get',
      path: '/files/:id/:variant',
      summary: 'the bytes of an upload, by a link GET /media/{id} gave out (streamed)',
      access: 'open',
      params: fileParams,
      query: fileQuery,
      responses: { 200: 'the bytes', 403: 'a forged or expired link', 404: 'deleted', 503: 'storage unavailable' },
      handle: async (ctx, { params, query }) => {
        const download = await openDownload(
          deps,
          { mediaId: params.id, variant: params.variant, expires: query.expires },
          query.signature,
        );
        stream(ctx, download);
      },
    }),
    route({
      method: 'get',
      path: '/avatars/:id/:variant',
      summary: 'a profile picture (public to anyone holding its id, cached: a new picture has a new id)',
      access: 'open',
      params: fileParams,
      responses: { 200: 'the bytes', 404: 'no such profile picture', 503: 'storage unavailable' },
      handle: async (ctx, { params }) => {
        stream(ctx, await openAvatar(deps, params.id, params.variant));
      },
    }),
  ];
}
