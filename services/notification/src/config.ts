import { baseConfigSchema, loadConfig } from '@soulchat/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend({
  DATABASE_URL: z.string().startsWith('mysql://'),
  // Required: the event routes must accept only the sidecar.
  APP_API_TOKEN: z.string().min(16),
  /** Sends of one email or SMS before it is recorded as failed (each send has Dapr's own retries). */
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  /** Wait before the second attempt; doubles after each failure. */
  DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(10).default(5_000),
  /**
   * The delivery worker's safety-net poll. It wakes on its own when a send falls due (a retry,
   * an expired claim) and when this replica records one; polling only finds sends another
   * replica recorded and died before sending, so it can be rare (an idle poll costs CPU).
   */
  DELIVERY_POLL_MS: z.coerce.number().int().min(50).default(30_000),
  /** Read notifications are kept this many days, unread ones (and any other) NOTIFICATION_RETENTION_DAYS. */
  NOTIFICATION_READ_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  NOTIFICATION_RETENTION_DAYS: z.coerce.number().min(0).default(180),
  /** How long a deleted user's tombstone stops late events: longer than Kafka keeps them (7 days). */
  DELETED_USER_TOMBSTONE_DAYS: z.coerce.number().min(1).default(14),
  /** How often retention runs. */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (env?: Record<string, string | undefined>) => loadConfig(schema, env);
