import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

const appSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  workspace: z.string(),
  entry: z.string().default('src/main.ts'),
  database: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .optional(),
  port,
  dapr: z.object({ httpPort: port, grpcPort: port, internalGrpcPort: port, metricsPort: port }),
});

const topologySchema = z.object({
  profile: z.string(),
  daprConfig: z.string(),
  resiliency: z.string(),
  infrastructure: z.object({
    redis: z.object({ port }),
    mariadb: z.object({ port }),
    kafka: z.object({ port, controllerPort: port, partitions: z.number().int().min(1) }),
    placement: z.object({ port, healthzPort: port, metricsPort: port, raftPort: port }),
    scheduler: z.object({ port, healthzPort: port, metricsPort: port, etcdClientPort: port, etcdPeerPort: port }),
  }),
  apps: z.array(appSchema),
});

export type AppSpec = z.infer<typeof appSchema>;
export type Topology = z.infer<typeof topologySchema>;

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Adds `offset` to every port number in the tree, so two stacks can run side by side. */
function shiftPorts<T>(value: T, offset: number, key = ''): T {
  if (typeof value === 'number' && /port/i.test(key)) return (value + offset) as T;
  if (Array.isArray(value)) return value.map((v) => shiftPorts(v, offset, key)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftPorts(v, offset, k)])) as T;
  }
  return value;
}

export function loadTopology(options: { offset?: number; profile?: string } = {}): Topology {
  const raw = JSON.parse(readFileSync(path.join(repoRoot, 'stack.json'), 'utf8')) as unknown;
  const topology = topologySchema.parse(shiftPorts(raw, options.offset ?? 0));
  return options.profile ? { ...topology, profile: options.profile } : topology;
}
