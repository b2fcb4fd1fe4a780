import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from './topology.ts';

const pathsSchema = z.object({
  cache: z.string(),
  daprBin: z.string(),
  kafkaHome: z.string(),
  /** s3proxy's jars: the local S3-compatible server behind the `media` binding. */
  s3proxyHome: z.string(),
  envoyBin: z.string(),
  redisServer: z.string(),
  aiosmtpdHome: z.string(),
  // Built only by `setup.sh --observability`: optional, so the stack starts without them.
  jaegerBin: z.string().optional(),
  prometheusBin: z.string().optional(),
  promtoolBin: z.string().optional(),
  imageSuite: z.string(),
  imageNodeVersion: z.string(),
  containersConf: z.string(),
  /** The Go search service's binary (services/search), built by setup.sh. */
  searchBin: z.string(),
});

export type Toolchain = z.infer<typeof pathsSchema> & { kafkaLog4j: string };

/** Where setup.sh put each component; tools/lib.sh is the only place that decides it. */
export function locateToolchain(): Toolchain {
  const out = execFileSync('bash', [path.join(repoRoot, 'tools/paths.sh')], { encoding: 'utf8' });
  return { ...pathsSchema.parse(JSON.parse(out)), kafkaLog4j: path.join(repoRoot, 'tools/kafka/log4j2.properties') };
}
