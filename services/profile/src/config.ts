import { baseConfigSchema, loadConfig } from '@soulchat/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend({
  DATABASE_URL: z.string().startsWith('mysql://'),
  // Required here, unlike the base: without it the internal routes (delete a profile) and the
  // event route would accept calls from anyone who can reach the app port.
  APP_API_TOKEN: z.string().min(16),
  // People searches per user and replica in 10 s (a search box asks on most keystrokes).
  SEARCH_PER_10S: z.coerce.number().int().min(1).max(1000).default(30),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (env?: Record<string, string | undefined>) => loadConfig(schema, env);
