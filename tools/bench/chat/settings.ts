/**
 * Every knob of the chat benchmark, parsed once from environment variables (BENCH_*; the list
 * with meanings is in tools/bench/chat.ts). The smoke test passes its own small values.
 */
import { z } from 'zod';

const numbers = (fallback: string, item: z.ZodNumber) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((n) => Number(n.trim())))
    .pipe(z.array(item).min(1));

const flag = (fallback: '0' | '1' = '1') =>
  z
    .enum(['0', '1'])
    .default(fallback)
    .transform((v) => v === '1');

const schema = z.object({
  BENCH_STEPS: numbers('100,250,500,1000,2000,3000,4000,5000', z.number().positive()),
  BENCH_STEP_SECONDS: z.coerce.number().positive().default(20),
  BENCH_WARMUP_SECONDS: z.coerce.number().min(0).default(5),
  BENCH_DRAIN_SECONDS: z.coerce.number().positive().default(15),
  BENCH_USERS: z.coerce.number().int().min(4).default(1000),
  BENCH_DEVICES_PER_USER: z.coerce.number().int().min(1).max(10).default(2),
  BENCH_ONLINE_FRACTION: z.coerce.number().min(0.1).max(1).default(0.9),
  BENCH_MIX: numbers('70,25,5', z.number().min(0)).refine((m) => m.length === 3 && m.some((w) => w > 0), {
    message: 'three weights (direct, small group, large group), not all zero',
  }),
  BENCH_SMALL_GROUP: z.coerce.number().int().min(3).max(500).default(20),
  BENCH_LARGE_GROUP: z.coerce.number().int().min(3).max(500).default(200),
  BENCH_SMALL_GROUPS: z.coerce.number().int().min(0).optional(),
  BENCH_LARGE_GROUPS: z.coerce.number().int().min(0).optional(),
  BENCH_DIRECT_PER_USER: z.coerce.number().min(0).default(3),
  BENCH_SYNC_DEVICES: z.coerce.number().int().min(0).default(20),
  BENCH_IDLE: z.coerce.number().int().min(0).default(20_000),
  BENCH_IDLE_CPU_SECONDS: z.coerce.number().positive().default(20),
  BENCH_STOP_P99_MS: z.coerce.number().positive().default(100),
  BENCH_MIN_ACKED: z.coerce.number().min(0).max(1).default(0.98),
  BENCH_WORKERS: z.coerce.number().int().min(1).max(8).default(2),
  BENCH_CONTENT_BYTES: z.coerce.number().int().min(1).max(4000).default(64),
  BENCH_CONNECT_RATE: z.coerce.number().positive().default(300),
  BENCH_CLIENT_ADDRESSES: z.coerce.number().int().min(1).max(100).default(16),
  BENCH_RELAY: flag(),
  BENCH_RECORD: flag(),
  BENCH_MEDIA: flag(),
  BENCH_MEDIA_ONLY: flag('0'),
  BENCH_MEDIA_UPLOADS: z.coerce.number().int().min(1).default(40),
  BENCH_MEDIA_CONCURRENCY: numbers('1,4', z.number().int().min(1).max(64)),
  BENCH_MEDIA_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(20 * 2 ** 20)
    .default(2 ** 20),
  BENCH_SEED: z.coerce.number().int().default(1),
  BENCH_TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(0.1),
});

type Env = z.infer<typeof schema>;

export interface MixWeights {
  direct: number;
  small: number;
  large: number;
}

export interface PopulationSettings {
  users: number;
  devicesPerUser: number;
  onlineFraction: number;
  directPerUser: number;
  smallGroupSize: number;
  largeGroupSize: number;
  smallGroups: number;
  largeGroups: number;
  mix: MixWeights;
  seed: number;
}

export interface StepSettings {
  rates: number[];
  stepSeconds: number;
  warmupSeconds: number;
  drainSeconds: number;
  stopP99Ms: number;
  minAckedFraction: number;
  contentBytes: number;
  syncDevices: number;
}

export interface MediaSettings {
  /** Uploads per kind (text, JPEG) and concurrency level, each downloaded once after. */
  uploads: number;
  concurrency: number[];
  fileBytes: number;
}

export interface BenchSettings {
  population: PopulationSettings;
  steps: StepSettings;
  idleConnections: number;
  idleCpuSeconds: number;
  workers: number;
  connectPerSecond: number;
  clientAddresses: number;
  withRelay: boolean;
  record: boolean;
  /** The media phase, or null to skip it; `mediaOnly` skips everything else (trial runs). */
  media: MediaSettings | null;
  mediaOnly: boolean;
  /** The share of traces the stack under test samples (the chart's production default). */
  traceSampleRatio: number;
}

function population(env: Env): PopulationSettings {
  const users = env.BENCH_USERS;
  const [direct = 0, small = 0, large = 0] = env.BENCH_MIX;
  return {
    users,
    devicesPerUser: env.BENCH_DEVICES_PER_USER,
    onlineFraction: env.BENCH_ONLINE_FRACTION,
    directPerUser: env.BENCH_DIRECT_PER_USER,
    // A small population cannot fill a group of 200: the groups shrink to everyone.
    smallGroupSize: Math.min(env.BENCH_SMALL_GROUP, users),
    largeGroupSize: Math.min(env.BENCH_LARGE_GROUP, users),
    // By default each user is in about one small and one large group.
    smallGroups: env.BENCH_SMALL_GROUPS ?? Math.max(1, Math.round(users / env.BENCH_SMALL_GROUP)),
    largeGroups: env.BENCH_LARGE_GROUPS ?? Math.max(1, Math.round(users / env.BENCH_LARGE_GROUP)),
    mix: { direct, small, large },
    seed: env.BENCH_SEED,
  };
}

export function readSettings(env: Record<string, string | undefined> = process.env): BenchSettings {
  const parsed = schema.parse(env);
  return {
    population: population(parsed),
    steps: {
      rates: parsed.BENCH_STEPS,
      stepSeconds: parsed.BENCH_STEP_SECONDS,
      warmupSeconds: parsed.BENCH_WARMUP_SECONDS,
      drainSeconds: parsed.BENCH_DRAIN_SECONDS,
      stopP99Ms: parsed.BENCH_STOP_P99_MS,
      minAckedFraction: parsed.BENCH_MIN_ACKED,
      contentBytes: parsed.BENCH_CONTENT_BYTES,
      syncDevices: parsed.BENCH_SYNC_DEVICES,
    },
    idleConnections: parsed.BENCH_IDLE,
    idleCpuSeconds: parsed.BENCH_IDLE_CPU_SECONDS,
    workers: parsed.BENCH_WORKERS,
    connectPerSecond: parsed.BENCH_CONNECT_RATE,
    clientAddresses: parsed.BENCH_CLIENT_ADDRESSES,
    withRelay: parsed.BENCH_RELAY,
    record: parsed.BENCH_RECORD,
    media: parsed.BENCH_MEDIA
      ? {
          uploads: parsed.BENCH_MEDIA_UPLOADS,
          concurrency: parsed.BENCH_MEDIA_CONCURRENCY,
          fileBytes: parsed.BENCH_MEDIA_FILE_BYTES,
        }
      : null,
    mediaOnly: parsed.BENCH_MEDIA_ONLY,
    traceSampleRatio: parsed.BENCH_TRACE_SAMPLE_RATIO,
  };
}
