import type { Logger } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { applyRetention } from '../db/retention.repository.ts';
import type { Database } from '../db/schema.ts';
import { type RetentionSettings, retentionCutoffs } from '../domain/retention.ts';

/** Runs retention now and then every `intervalMs` (a failed pass is retried at the next one). */
export function startRetention(db: Kysely<Database>, log: Logger, settings: RetentionSettings, intervalMs: number) {
  const run = async () => {
    try {
      const removed = await applyRetention(db, retentionCutoffs(new Date(), settings));
      if (removed > 0) log.info({ removed }, 'old notifications removed (retention)');
    } catch (err) {
      log.warn({ err }, 'retention pass failed; the next one retries');
    }
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
