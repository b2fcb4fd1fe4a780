import { baseConfigSchema, loadConfig } from '@soulchat/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend({
  DATABASE_URL: z.string().startsWith('mysql://'),
  // Required here, unlike the base: the internal routes (presence, members) and the event
  // routes must accept only the sidecar.
  APP_API_TOKEN: z.string().min(16),
  /** This instance's name (chat-1, chat-2, ...); set by the launcher or the pod name. */
  INSTANCE_NAME: z.string().min(1).default('chat'),
  /** Largest WebSocket frame a client may send. */
  WS_MAX_FRAME_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  /** Bytes queued for a slow reader before its connection is closed. */
  WS_SEND_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  WS_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Frames per client over a 10 s window before they get a RATE_LIMITED error frame. */
  WS_FRAMES_PER_10S: z.coerce.number().int().min(1).default(100),
  MESSAGE_MAX_CHARS: z.coerce.number().int().min(1).default(4000),
  EDIT_WINDOW_SECONDS: z.coerce.number().int().min(0).default(900),
  /** Send batches stored at once, and the most sends in one (one transaction each). */
  SEND_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  SEND_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(100),
  /**
   * How long a send waits for others to share its transaction, and a commit for others to share
   * its publish: a few milliseconds of latency for far fewer round trips when busy.
   */
  SEND_LINGER_MS: z.coerce.number().int().min(0).max(50).default(2),
  RELAY_LINGER_MS: z.coerce.number().int().min(0).max(50).default(5),
  GROUP_MEMBER_LIMIT: z.coerce.number().int().min(2).default(500),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (env?: Record<string, string | undefined>) => loadConfig(schema, env);
