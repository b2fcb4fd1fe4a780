import { baseConfigSchema, loadConfig } from '@soulchat/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend({
  DATABASE_URL: z.string().startsWith('mysql://'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  /**
   * A rotated-in signing key is in the JWKS this long before it signs: more than twice the edge's
   * key-set cache (stack.json ingress.auth.jwksCacheSeconds, 60), checked by a test.
   */
  SIGNING_KEY_LEAD_SECONDS: z.coerce.number().int().min(0).max(3600).default(150),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  /** How long POST /register waits for the saga before answering 202 with a registration id. */
  REGISTRATION_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(15_000),
  /** Waits before retrying the profile step (comma list of ms), then the saga compensates. */
  REGISTRATION_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/)
    .default('1000,2000,4000,8000,16000')
    .transform((s) => s.split(',').map(Number)),
  /** Failed logins allowed per account, and per client address, within the window. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_CLIENT: z.coerce.number().int().min(1).default(20),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (env?: Record<string, string | undefined>) => loadConfig(schema, env);
