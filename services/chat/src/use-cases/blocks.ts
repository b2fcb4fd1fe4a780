import type { DaprClient } from '@soulchat/platform';
import { eitherBlocked } from './access.ts';

export interface BlockCacheOptions {
  /** How long an answer is reused: a new block stops direct messages within this time. */
  ttlMs: number;
  /** Pairs remembered at most; the cache starts over past it. */
  maxPairs: number;
}

/**
 * The profile service's block answers for direct messages, kept for a few seconds. Asking
 * through Dapr for every direct message cost two sidecar hops and a profile request each.
 */
export function createBlockCache(dapr: DaprClient, options: BlockCacheOptions) {
  const answers = new Map<string, { blocked: Promise<boolean>; until: number }>();
  return {
    blocked(a: string, b: string): Promise<boolean> {
      const key = a < b ? `${a}:${b}` : `${b}:${a}`;
      const now = Date.now();
      const known = answers.get(key);
      if (known && known.until > now) return known.blocked;
      if (answers.size >= options.maxPairs) answers.clear();
      const blocked = eitherBlocked(dapr, a, b);
      answers.set(key, { blocked, until: now + options.ttlMs });
      // A failed answer is not kept: the next send asks again.
      blocked.catch(() => answers.delete(key));
      return blocked;
    },
  };
}

export type BlockCache = ReturnType<typeof createBlockCache>;
