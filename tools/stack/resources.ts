import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { repoRoot, type Topology } from './topology.ts';

const profileSchema = z.object({ description: z.string(), needs: z.array(z.enum(['kafka', 'redis'])) });
export type Profile = z.infer<typeof profileSchema> & { name: string; dir: string };

export function loadProfile(name: string): Profile {
  const dir = path.join(repoRoot, 'components', name);
  let raw: string;
  try {
    raw = readFileSync(path.join(dir, 'profile.json'), 'utf8');
  } catch {
    const known = readdirSync(path.join(repoRoot, 'components')).join(', ');
    throw new Error(`unknown component profile "${name}" (known: ${known})`);
  }
  return { ...profileSchema.parse(JSON.parse(raw)), name, dir };
}

/** Fills `{{NAME}}` placeholders; an unknown placeholder is an error, not an empty string. */
export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`no value for template variable ${key}`);
    return value;
  });
}

export function templateVars(topology: Topology, runDir: string): Record<string, string> {
  const infra = topology.infrastructure;
  return {
    RUN_DIR: runDir,
    KAFKA_BROKERS: `127.0.0.1:${infra.kafka.port}`,
    REDIS_ADDRESS: `127.0.0.1:${infra.redis.port}`,
  };
}

/** The Dapr Configuration all sidecars share (one name-resolution database for the host). */
export function renderConfig(topology: Topology, runDir: string): string {
  const file = path.join(runDir, 'dapr-config.yaml');
  const source = readFileSync(path.join(repoRoot, topology.daprConfig), 'utf8');
  writeFileSync(file, fillTemplate(source, templateVars(topology, runDir)));
  return file;
}

/**
 * One resources folder per sidecar: the profile's components plus the resiliency policy,
 * with an app target for every app this sidecar may call.
 */
export function renderResources(
  topology: Topology,
  runDir: string,
  appId: string,
  calleeIds: string[],
  extraResources: string[] = [],
): string {
  const dir = path.join(runDir, 'resources', appId);
  mkdirSync(dir, { recursive: true });
  const vars = templateVars(topology, runDir);
  const profile = loadProfile(topology.profile);
  for (const file of readdirSync(profile.dir).filter((f) => f.endsWith('.yaml'))) {
    writeFileSync(path.join(dir, file), fillTemplate(readFileSync(path.join(profile.dir, file), 'utf8'), vars));
  }
  const resiliency = parse(readFileSync(path.join(repoRoot, topology.resiliency), 'utf8')) as {
    spec: { targets: Record<string, unknown> };
  };
  resiliency.spec.targets.apps = Object.fromEntries(
    calleeIds.map((id) => [id, { timeout: 'invoke', retry: 'invokeRetry', circuitBreaker: 'appBreaker' }]),
  );
  writeFileSync(path.join(dir, 'resiliency.yaml'), stringify(resiliency));
  for (const extra of extraResources) cpSync(extra, path.join(dir, path.basename(extra)));
  return dir;
}
