import type { MediaView } from './session.ts';

export interface MediaLinkCacheOptions {
  /** Links this close to expiring count as expired (a click or an image load still needs time). */
  marginMs?: number;
  now?: () => number;
}

/**
 * Download links per upload, asked for once and kept until they expire (`linksExpireAt`): a
 * timeline that shows the same image again, or many messages at once, asks the server once per
 * upload. A failed read is not kept, so the next one tries again.
 */
export class MediaLinkCache {
  private readonly views = new Map<string, MediaView>();
  private readonly reading = new Map<string, Promise<MediaView>>();
  private readonly marginMs: number;
  private readonly now: () => number;

  constructor(
    private readonly read: (mediaId: string) => Promise<MediaView>,
    options: MediaLinkCacheOptions = {},
  ) {
    this.marginMs = options.marginMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** The view whose links are still good, if one is at hand (for a first render without waiting). */
  peek(mediaId: string): MediaView | undefined {
    const view = this.views.get(mediaId);
    return view && this.fresh(view) ? view : undefined;
  }

  /** The view with links still good: the kept one, or a fresh read (one at a time per upload). */
  get(mediaId: string): Promise<MediaView> {
    const kept = this.peek(mediaId);
    if (kept) return Promise.resolve(kept);
    let reading = this.reading.get(mediaId);
    if (!reading) {
      reading = this.read(mediaId)
        .then((view) => {
          this.remember(view);
          return view;
        })
        .finally(() => this.reading.delete(mediaId));
      this.reading.set(mediaId, reading);
    }
    return reading;
  }

  /** Keeps a view already at hand (the answer to an upload carries links too). */
  remember(view: MediaView): void {
    this.views.set(view.id, view);
  }

  private fresh(view: MediaView): boolean {
    return Date.parse(view.linksExpireAt) - this.marginMs > this.now();
  }
}
