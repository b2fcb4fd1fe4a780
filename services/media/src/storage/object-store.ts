import { AppError, components, type DaprClient, type Logger } from '@soulchat/platform';
import type { Variant } from '../domain/signed-url.ts';

/** Where one rendition of an upload is kept in the bucket. */
export const objectKey = (mediaId: string, variant: Variant) => `media/${mediaId}/${variant}`;

/** Storage could not be reached or refused: the client may try again; nothing was recorded. */
export const storageUnavailable = () =>
  new AppError('UNAVAILABLE', 'media storage is unavailable; try again shortly', undefined, { 'retry-after': '5' });

// Neither S3 nor a folder says "missing" with a status through the binding, only in the message.
const isMissing = (text: string) => /NoSuchKey|NotFound|not found|no such file/i.test(text);

/**
 * Object storage through the `media` output binding (bindings.aws.s3 on any S3-compatible
 * service; a folder in the memory profile), so the code never names a storage product.
 */
export function createObjectStore(dapr: DaprClient, log: Logger) {
  async function call(operation: string, key: string, data?: string, timeoutMs = 30_000) {
    try {
      return await dapr.invokeBindingRaw(
        components.media,
        { operation, metadata: { key, fileName: key }, ...(data === undefined ? {} : { data }) },
        timeoutMs,
      );
    } catch (err) {
      log.warn({ err, operation, key }, 'media storage unreachable');
      throw storageUnavailable();
    }
  }

  async function failure(res: Response, operation: string, key: string): Promise<never> {
    const text = await res.text();
    log.warn({ status: res.status, operation, key, answer: text.slice(0, 500) }, 'media storage refused');
    throw storageUnavailable();
  }

  return {
    /** Stores the bytes (sent base64: the component decodes them). */
    async put(key: string, bytes: Uint8Array): Promise<void> {
      const res = await call('create', key, Buffer.from(bytes).toString('base64'), 120_000);
      if (!res.ok) await failure(res, 'create', key);
      await res.arrayBuffer();
    },

    /** The object's bytes as a stream, or undefined when it is not there. */
    async get(key: string): Promise<ReadableStream<Uint8Array> | undefined> {
      const res = await call('get', key, undefined, 120_000);
      if (res.ok && res.body) return res.body;
      const text = await res.text();
      if (isMissing(text)) return undefined;
      log.warn({ status: res.status, key, answer: text.slice(0, 500) }, 'media storage refused');
      throw storageUnavailable();
    },

    /** Removes the object; one already gone counts as removed (deletions are retried). */
    async remove(key: string): Promise<void> {
      const res = await call('delete', key);
      if (res.ok) return void (await res.arrayBuffer());
      const text = await res.text();
      if (isMissing(text)) return;
      log.warn({ status: res.status, key, answer: text.slice(0, 500) }, 'media storage refused a delete');
      throw storageUnavailable();
    },
  };
}

export type ObjectStore = ReturnType<typeof createObjectStore>;
