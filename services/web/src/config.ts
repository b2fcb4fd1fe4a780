import path from 'node:path';
import { baseConfigSchema, loadConfig } from '@soulchat/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend({
  /** The built web app (vite build of packages/web-app); an image sets its own. */
  WEB_ROOT: z
    .string()
    .min(1)
    .default(path.resolve(import.meta.dirname, '../../../packages/web-app/dist')),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (env?: Record<string, string | undefined>) => loadConfig(schema, env);
