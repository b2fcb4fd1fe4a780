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
  /** Instances of the app, each with its own sidecar; instance i listens on every port + 10*i. */
  replicas: z.number().int().min(1).max(8).default(1),
  /** Set per instance by expandReplicas: the process and pod name, e.g. chat-2. */
  instance: z.string().optional(),
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

/** One AppSpec per instance; the app id stays the same, so Dapr load-balances between them. */
export function expandReplicas(app: AppSpec): AppSpec[] {
  if (app.replicas === 1) return [{ ...app, instance: app.id }];
  return Array.from({ length: app.replicas }, (_, i) => ({
    ...app,
    instance: `${app.id}-${i + 1}`,
    port: app.port + 10 * i,
    dapr: {
      httpPort: app.dapr.httpPort + 10 * i,
      grpcPort: app.dapr.grpcPort + 10 * i,
      internalGrpcPort: app.dapr.internalGrpcPort + 10 * i,
      metricsPort: app.dapr.metricsPort + 10 * i,
    },
  }));
}

export const instanceName = (app: AppSpec) => app.instance ?? app.id;

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
