import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { objectStoreCredentials, objectStoreEndpoint } from './object-store.ts';
import { repoRoot, type Topology } from './topology.ts';

const profileSchema = z.object({
  description: z.string(),
  /** What the launcher must provide (brokers it starts, a state database it provisions); not inherited. */
  needs: z.array(z.enum(['kafka', 'redis', 'state-database', 'local-sinks', 'object-store'])),
  /** Profiles whose components this one starts from; later ones and this one's own files win. */
  extends: z.array(z.string()).default([]),
  /** False for profiles that only make sense on one machine; the Helm chart refuses them. */
  kubernetes: z.boolean().default(true),
  /** Defaults for this profile's {{PLACEHOLDERS}}; SOULCHAT_<NAME> in the environment overrides them. */
  vars: z.record(z.string(), z.string()).default({}),
});
export type Profile = Omit<z.infer<typeof profileSchema>, 'extends'> & {
  name: string;
  dir: string;
  /** Component files by component name (metadata.name), after the profiles it extends. */
  files: Map<string, string>;
};

function componentName(file: string): string {
  const doc = parse(readFileSync(file, 'utf8')) as { metadata?: { name?: string } };
  if (!doc?.metadata?.name) throw new Error(`${file} has no metadata.name`);
  return doc.metadata.name;
}

export function loadProfile(name: string, seen: string[] = []): Profile {
  if (seen.includes(name)) throw new Error(`component profiles extend each other in a loop: ${[...seen, name]}`);
  const dir = path.join(repoRoot, 'components', name);
  let raw: string;
  try {
    raw = readFileSync(path.join(dir, 'profile.json'), 'utf8');
  } catch {
    const known = readdirSync(path.join(repoRoot, 'components')).join(', ');
    throw new Error(`unknown component profile "${name}" (known: ${known})`);
  }
  const own = profileSchema.parse(JSON.parse(raw));
  const bases = own.extends.map((base) => loadProfile(base, [...seen, name]));
  const files = new Map<string, string>();
  for (const base of bases) for (const [component, file] of base.files) files.set(component, file);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    files.set(componentName(path.join(dir, file)), path.join(dir, file));
  }
  return {
    description: own.description,
    needs: own.needs,
    kubernetes: own.kubernetes,
    vars: Object.assign({}, ...bases.map((b) => b.vars), own.vars),
    name,
    dir,
    files,
  };
}

/** Fills `{{NAME}}` placeholders; an unknown placeholder is an error, not an empty string. */
export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{([A-Z][A-Z0-9_]*)\}\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`no value for template variable ${key}`);
    return value;
  });
}

export function templateVars(topology: Topology, runDir: string): Record<string, string> {
  const infra = topology.infrastructure;
  const profileVars = loadProfile(topology.profile).vars;
  const fromEnv = Object.keys(profileVars).flatMap((key) => {
    const value = process.env[`SOULCHAT_${key}`];
    return value === undefined ? [] : [[key, value]];
  });
  return {
    // The local sinks by default; a profile's vars (a real relay) or the environment override them.
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(infra.mailSink.port),
    SMTP_SKIP_TLS_VERIFY: 'true',
    SMS_URL: `http://127.0.0.1:${infra.smsSink.port}/v1/sms`,
    ...profileVars,
    ...Object.fromEntries(fromEnv),
    RUN_DIR: runDir,
    KAFKA_BROKERS: `127.0.0.1:${infra.kafka.port}`,
    REDIS_ADDRESS: `127.0.0.1:${infra.redis.port}`,
    ...objectStoreVars(topology, runDir),
  };
}

/** The `media` binding's server, bucket and keys: the launcher's s3proxy, whose keys live in the run dir. */
function objectStoreVars(topology: Topology, runDir: string): Record<string, string> {
  const store = topology.infrastructure.objectStore;
  const credentials = objectStoreCredentials(runDir);
  return {
    MEDIA_ENDPOINT: objectStoreEndpoint(store),
    MEDIA_BUCKET: store.bucket,
    MEDIA_ACCESS_KEY: credentials.accessKey,
    MEDIA_SECRET_KEY: credentials.secretKey,
  };
}

/**
 * The Dapr Configuration all sidecars share (one name-resolution database for the host).
 * `traceSampleRatio` replaces its samplingRate (the bench runs at production's rate).
 */
export function renderConfig(
  topology: Topology,
  runDir: string,
  otlpGrpcEndpoint?: string,
  traceSampleRatio?: number,
): string {
  const file = path.join(runDir, 'dapr-config.yaml');
  const source = readFileSync(path.join(repoRoot, topology.daprConfig), 'utf8');
  const text = fillTemplate(source, templateVars(topology, runDir));
  // Atomically: Tilt starts pieces in parallel, each renders this file, and another piece may be
  // reading it at that moment (a half-written file parsed as empty).
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, withTracing(text, otlpGrpcEndpoint, traceSampleRatio));
  renameSync(temp, file);
  return file;
}

/** The sidecars' spans go to Jaeger too (observability), so a trace shows every hop. */
function withTracing(configText: string, otlpGrpcEndpoint?: string, traceSampleRatio?: number): string {
  if (!otlpGrpcEndpoint && traceSampleRatio === undefined) return configText;
  const config = parse(configText) as { spec: { tracing?: Record<string, unknown> } };
  config.spec.tracing = {
    ...config.spec.tracing,
    ...(otlpGrpcEndpoint ? { otel: { endpointAddress: otlpGrpcEndpoint, isSecure: false, protocol: 'grpc' } } : {}),
    ...(traceSampleRatio === undefined ? {} : { samplingRate: String(traceSampleRatio) }),
  };
  return stringify(config);
}

/** The share of traces a rendered Configuration samples: the apps are given the same. */
export function samplingRateOf(configFile: string): number {
  const config = parse(readFileSync(configFile, 'utf8')) as { spec?: { tracing?: { samplingRate?: unknown } } };
  const rate = Number(config.spec?.tracing?.samplingRate ?? 1);
  return Number.isFinite(rate) && rate >= 0 && rate <= 1 ? rate : 1;
}

export interface ResourceOptions {
  /** False for a sidecar that needs no component (the ingress's only invokes apps). */
  components?: boolean;
  /** Policies of every callee target instead of the shared invoke timeout, retry and breaker. */
  appTarget?: Record<string, string>;
  /** Named timeouts added to the shared file's, for appTarget to name. */
  timeouts?: Record<string, string>;
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
  options: ResourceOptions = {},
): string {
  const dir = path.join(runDir, 'resources', appId);
  // A run dir reused with another profile must not keep the old profile's components.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const vars = templateVars(topology, runDir);
  const profile = loadProfile(topology.profile);
  const files = options.components === false ? [] : [...profile.files.values()];
  for (const file of files) {
    writeFileSync(path.join(dir, path.basename(file)), fillTemplate(readFileSync(file, 'utf8'), vars));
  }
  const resiliency = parse(readFileSync(path.join(repoRoot, topology.resiliency), 'utf8')) as {
    spec: { policies: { timeouts: Record<string, string> }; targets: Record<string, unknown> };
  };
  Object.assign(resiliency.spec.policies.timeouts, options.timeouts);
  const target = options.appTarget ?? { timeout: 'invoke', retry: 'invokeRetry', circuitBreaker: 'appBreaker' };
  resiliency.spec.targets.apps = Object.fromEntries(calleeIds.map((id) => [id, target]));
  // Component targets name components this sidecar does not load: Dapr would refuse them.
  if (options.components === false) delete resiliency.spec.targets.components;
  writeFileSync(path.join(dir, 'resiliency.yaml'), stringify(resiliency));
  for (const extra of extraResources) cpSync(extra, path.join(dir, path.basename(extra)));
  return dir;
}
