import type { RetentionCutoffs } from '../db/retention.repository.ts';

export interface RetentionSettings {
  readDays: number;
  allDays: number;
  tombstoneDays: number;
}

const day = 86_400_000;

/** The cutoffs at `now`: read notifications go first, every notification after the longer period. */
export function retentionCutoffs(now: Date, settings: RetentionSettings): RetentionCutoffs {
  const before = (days: number) => new Date(now.getTime() - days * day);
  return { read: before(settings.readDays), all: before(settings.allDays), tombstones: before(settings.tombstoneDays) };
}
