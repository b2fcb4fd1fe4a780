/**
 * Dapr access-control policies from stack.json, for the Configuration of one callee app: each
 * app lists under `callers` the operations every other app may invoke on it, and the ingress may
 * invoke its public HTTP routes; everything else is denied. The callee's sidecar checks them
 * against the caller's SPIFFE id from its mTLS certificate, so they need Sentry (mTLS) on.
 * The Helm chart renders the same policies from the same data (templates/dapr-configuration.yaml).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { type AppSpec, isDirect, operationSchema, type Topology } from './topology.ts';

/** The trust domain of the apps' SPIFFE ids (Dapr's default); the namespace is `default` locally. */
export const appTrustDomain = 'public';
export const ingressAppId = 'ingress';

export interface DaprOperation {
  name: string;
  httpVerb: string[];
  action: 'allow';
}

export interface AppPolicy {
  appId: string;
  defaultAction: 'deny';
  trustDomain: string;
  namespace: string;
  operations: DaprOperation[];
}

export interface AccessControl {
  defaultAction: 'deny';
  trustDomain: string;
  policies: AppPolicy[];
}

const segments = (p: string) => p.split('/').filter(Boolean);

/** True when Dapr would answer a request for `longer` with the policy of `shorter`. */
function hides(shorter: string, longer: string): boolean {
  const [a, b] = [segments(shorter), segments(longer)];
  const last = a[a.length - 1];
  return a.length < b.length && last !== '*' && a.every((s, i) => s === b[i]);
}

/**
 * `VERB /path` entries as Dapr 1.18 matches them (pkg/config/acl_trie.go): an operation also
 * matches every path below it, so a shorter path's verbs must include those of the longer paths it
 * hides (which are then left out); a trailing `/*` is one segment, but in the middle only `/**`
 * matches (one segment there), so a middle `*` is written `**`.
 */
export function daprOperations(entries: string[]): DaprOperation[] {
  const verbs = new Map<string, Set<string>>();
  for (const entry of entries) {
    const [verb = '', raw = ''] = operationSchema.parse(entry).split(' ');
    const name = raw.replaceAll('/*/', '/**/');
    verbs.set(name, (verbs.get(name) ?? new Set()).add(verb));
  }
  const names = [...verbs.keys()];
  for (const shorter of names) {
    for (const longer of names) {
      if (hides(shorter, longer)) for (const v of verbs.get(longer) ?? []) verbs.get(shorter)?.add(v);
    }
  }
  return names
    .filter((name) => !names.some((other) => hides(other, name)))
    .sort()
    .map((name) => ({ name, httpVerb: [...(verbs.get(name) ?? [])].sort(), action: 'allow' }));
}

/** The ingress reaches an app's public routes by invocation; WebSocket routes bypass Dapr. */
function ingressOperations(app: AppSpec): string[] {
  return (app.publicRoutes ?? []).filter((r) => !isDirect(r)).map((r) => `* ${r.prefix}`);
}

/**
 * The accessControl section of `appId`'s Configuration, or undefined for an app stack.json does not
 * know (a suite's own fixture apps), which keeps Dapr's allow-all.
 */
export function accessControlFor(topology: Topology, appId: string, namespace = 'default'): AccessControl | undefined {
  // Nothing may call the ingress's sidecar: there is no app behind it.
  if (appId === ingressAppId) return { defaultAction: 'deny', trustDomain: appTrustDomain, policies: [] };
  const app = topology.apps.find((a) => a.id === appId);
  if (!app) return undefined;
  const callers: [string, string[]][] = [[ingressAppId, ingressOperations(app)], ...Object.entries(app.callers)];
  const policies = callers
    .filter(([, ops]) => ops.length > 0)
    .map(([caller, ops]) => ({
      appId: caller,
      defaultAction: 'deny' as const,
      trustDomain: appTrustDomain,
      namespace,
      operations: daprOperations(ops),
    }));
  return { defaultAction: 'deny', trustDomain: appTrustDomain, policies };
}

/**
 * The Configuration one sidecar loads: the shared one (rendered by renderConfig) plus the access
 * control of its app, in `<run dir>/config/<instance>.yaml`.
 */
export function renderAppConfig(topology: Topology, baseConfigFile: string, instance: string, appId: string): string {
  const config = parse(readFileSync(baseConfigFile, 'utf8')) as { spec: Record<string, unknown> };
  const accessControl = accessControlFor(topology, appId);
  if (accessControl) config.spec.accessControl = accessControl;
  const dir = path.join(path.dirname(baseConfigFile), 'config');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${instance}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}
