import { baseConfigSchema, loadConfig } from '@soulchat/platform';
import { z } from 'zod';

const mib = 1024 * 1024;

const schema = baseConfigSchema.extend({
  DATABASE_URL: z.string().startsWith('mysql://'),
  // Required: the internal and event routes accept only the sidecar, which sends it.
  APP_API_TOKEN: z.string().min(16),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * mib)
    .default(25 * mib),
  QUOTA_BYTES: z.coerce
    .number()
    .int()
    .min(mib)
    .default(1024 * mib),
  UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  // An upload no message took within a day is removed (the sweep runs every SWEEP_SECONDS).
  UNSENT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 3600),
  SWEEP_SECONDS: z.coerce.number().int().min(1).default(600),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (env?: Record<string, string | undefined>) => loadConfig(schema, env);
