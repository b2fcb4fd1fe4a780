import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { type Route, route } from '@soulchat/platform';
import type { MediaDeps } from '../../use-cases/deps.ts';
import { openDownload } from '../../use-cases/download.ts';
import { fileParams, fileQuery } from '../media/schema.ts';

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
        ctx.set(download.headers);
        ctx.body = Readable.fromWeb(download.body as NodeReadableStream<Uint8Array>);
      },
    }),
  ];
}
