import { baseConfigSchema, loadConfig } from '@soulchat/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend({
  DATABASE_URL: z.string().startsWith('mysql://'),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (env?: Record<string, string | undefined>) => loadConfig(schema, env);
