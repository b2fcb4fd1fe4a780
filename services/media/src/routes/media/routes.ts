import { callerOf, createRateLimiter, type Route, rateLimited, route } from '@soulchat/platform';
import { visibleMedia } from '../../use-cases/access.ts';
import type { MediaDeps } from '../../use-cases/deps.ts';
import { uploadMedia } from '../../use-cases/upload.ts';
import { mediaView } from '../../use-cases/view.ts';
import { mediaOutput, mediaParams, uploadQuery, viewQuery } from './schema.ts';
import { readUpload } from './upload-body.ts';

/** Link lifetime in the upload's own answer. */
const uploadLinkTtlSeconds = 300;

/** Uploading (the request body is the file's bytes, any Content-Type) and reading an upload. */
export function mediaRoutes(deps: MediaDeps, uploadsPerMinute: number): Route[] {
  const uploads = createRateLimiter({ capacity: uploadsPerMinute, windowMs: 60_000 });
  return [
    route({
      method: 'post',
      path: '/media',
      summary: `upload a file: the body is its bytes (at most ${deps.limits.maxUploadBytes}); the type is read from them`,
      access: 'user',
      query: uploadQuery,
      output: mediaOutput,
      responses: {
        201: 'stored: the upload with links',
        413: 'too large, or over the quota',
        415: 'a type not accepted',
        429: 'too many uploads',
        503: 'storage unavailable (nothing was stored)',
      },
      handle: async (ctx, { query }) => {
        const ownerId = callerOf(ctx).id;
        const wait = uploads.check(ownerId);
        if (wait !== undefined) throw rateLimited(wait, 'too many uploads; try again shortly');
        // A refusal is answered before the rest arrives: Envoy then ends the client's request
        // and this process discards, never keeps, what was still on its way.
        const bytes = await readUpload(ctx.req, deps.limits.maxUploadBytes);
        const row = await uploadMedia(deps, { ownerId, name: query.name, bytes });
        ctx.status = 201;
        ctx.body = mediaView(row, deps.linkKey, uploadLinkTtlSeconds);
      },
    }),
    route({
      method: 'get',
      path: '/media/:id',
      summary: 'an upload with short-lived download links (its uploader, or members of its conversation)',
      access: 'user',
      params: mediaParams,
      query: viewQuery,
      output: mediaOutput,
      responses: { 200: 'the upload', 404: 'no such upload, or not yours to see' },
      handle: async (ctx, { params, query }) => {
        const row = await visibleMedia(deps, callerOf(ctx).id, params.id);
        ctx.body = mediaView(row, deps.linkKey, query.ttlSeconds);
      },
    }),
  ];
}
