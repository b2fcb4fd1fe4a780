/** The search benchmark's knobs, from the environment, parsed once. */
import { z } from 'zod';

const list = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .pipe(z.array(z.number().int().positive()).min(1));

const schema = z.object({
  BENCH_SEARCH_MESSAGES: z.coerce.number().int().min(1).default(1_000_000),
  BENCH_SEARCH_GROUPS: z.coerce.number().int().min(1).max(200).default(20),
  BENCH_QPS_STEPS: list.default([25, 50, 100, 200, 400, 800]),
  BENCH_STEP_SECONDS: z.coerce.number().positive().default(15),
  BENCH_WARMUP_SECONDS: z.coerce.number().min(0).default(3),
  BENCH_LAG_MESSAGES: z.coerce.number().int().min(1).default(300),
  BENCH_LAG_RATE: z.coerce.number().positive().default(20),
  BENCH_STOP_P99_MS: z.coerce.number().positive().default(50),
  BENCH_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(256),
  BENCH_RECORD: z.stringbool().default(true),
});

export type SearchSettings = z.infer<typeof schema>;

export const readSearchSettings = (env: Record<string, string | undefined> = process.env) => schema.parse(env);
