/**
 * Prints the Tilt resources for the stack as JSON: one per infrastructure process, one each for
 * sentry, placement and scheduler, one per app instance (app + sidecar). The Tiltfile turns each entry
 * into a local_resource, so the topology stays in stack.json and the launcher, never the Tiltfile.
 * Usage: node --import tsx tools/tilt/plan.ts [--port-offset N] [--run-dir D] [--profile P]
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadProfile } from '../stack/resources.ts';
import { type AppSpec, expandReplicas, instanceName, loadTopology, repoRoot } from '../stack/topology.ts';
import { optionArgs, tiltOptions } from './options.ts';

interface Readiness {
  http?: { port: number; path: string };
  tcp?: number;
  /** Ready once this file exists (a piece's `up` marker, tools/tilt/piece.ts). */
  file?: string;
}

export interface TiltResource {
  name: string;
  serveCmd: string[];
  /** Files whose change restarts the resource (live reload of a service). */
  deps: string[];
  after: string[];
  labels: string[];
  links: { url: string; name: string }[];
  readiness: Readiness;
}

const options = tiltOptions(process.argv.slice(2));
const topology = loadTopology({
  offset: options.portOffset,
  ...(options.profile ? { profile: options.profile } : {}),
});
const profile = loadProfile(topology.profile);
const infra = topology.infrastructure;
const piece = (name: string) => ['node', '--import', 'tsx', 'tools/tilt/piece.ts', name, ...optionArgs(options)];

const resources: TiltResource[] = [];
const add = (r: Omit<TiltResource, 'serveCmd' | 'deps' | 'links'> & Partial<TiltResource>) =>
  resources.push({ serveCmd: piece(r.name), deps: [], links: [], ...r });

add({ name: 'mariadb', after: ['setup'], labels: ['infrastructure'], readiness: { tcp: infra.mariadb.port } });
if (profile.needs.includes('redis')) {
  add({ name: 'redis', after: ['setup'], labels: ['infrastructure'], readiness: { tcp: infra.redis.port } });
}
if (profile.needs.includes('kafka')) {
  add({ name: 'kafka', after: ['setup'], labels: ['infrastructure'], readiness: { tcp: infra.kafka.port } });
}
if (profile.needs.includes('object-store')) {
  const healthz = { port: infra.objectStore.port, path: '/healthz' };
  add({ name: 's3proxy', after: ['setup'], labels: ['infrastructure'], readiness: { http: healthz } });
}
if (profile.needs.includes('local-sinks')) {
  add({ name: 'mail-sink', after: ['setup'], labels: ['infrastructure'], readiness: { tcp: infra.mailSink.port } });
  add({ name: 'sms-sink', after: ['setup'], labels: ['infrastructure'], readiness: { tcp: infra.smsSink.port } });
}
// Sentry first: placement, scheduler and the sidecars take their mTLS certificates from it.
// Not its healthz: on a fresh run dir the piece restarts Sentry once after it wrote its
// credentials (tools/stack/sentry.ts), and a sidecar started in that gap would die.
const sentryReadiness = { file: path.join(options.runDir, 'pieces', 'sentry', 'up') };
add({ name: 'sentry', after: ['setup'], labels: ['dapr'], readiness: sentryReadiness });
const control = ['placement', 'scheduler'] as const;
for (const name of control) {
  add({
    name,
    after: ['setup', 'sentry'],
    labels: ['dapr'],
    readiness: { http: { port: infra[name].healthzPort, path: '/healthz' } },
  });
}
const backing = resources.map((r) => r.name);

// The Envoy ingress (stack.json `ingress`) is the stack's one public URL: Tilt links to it.
const ingressUrl = `http://127.0.0.1:${topology.ingress.port}`;

// A profile's components may come from the profiles it extends: watch each of their folders.
const profileDirs = [...new Set([...profile.files.values()].map((f) => path.relative(repoRoot, path.dirname(f))))];
const sourceDirs = (app: AppSpec) =>
  app.runtime === 'go'
    ? // A Go app is its module folder alone (it imports none of packages/); its piece rebuilds
      // the binary before starting it (tools/tilt/piece.ts).
      [app.workspace, ...profileDirs, 'dapr/config']
    : [
        path.join(app.workspace, 'src'),
        // The web app's sources only rebuild its bundle (below), they restart no service.
        ...readdirSync(path.join(repoRoot, 'packages'))
          .filter((p) => p !== 'web-app')
          .map((p) => path.join('packages', p, 'src')),
        ...profileDirs,
        'dapr/config',
      ];
function addInstance(instance: AppSpec, after: string[]): string {
  const name = instanceName(instance);
  add({
    name,
    serveCmd: piece(`app:${name}`),
    deps: sourceDirs(instance),
    after: [...backing, ...after],
    labels: ['services'],
    // Clients use the ingress; the instance's own port stays for its readiness only.
    links: (instance.publicRoutes ?? [])
      .filter((r) => !r.webSocket)
      .slice(0, 1)
      .map((r) => ({ url: `${ingressUrl}${r.prefix}`, name: `${instance.id} via envoy` })),
    readiness: { http: { port: instance.port, path: '/readyz' } },
  });
  return name;
}
/**
 * An app serving files (a static route: the web app) gets its bundle rebuilt on every source
 * change by Vite's watch mode; the app reads the files from disk, so it needs no restart.
 */
function addBundle(app: AppSpec): string[] {
  if (!(app.publicRoutes ?? []).some((r) => r.static)) return [];
  const name = `${app.id}-bundle`;
  add({
    name,
    after: ['setup'],
    labels: ['services'],
    readiness: { file: path.join(options.runDir, 'pieces', name, 'up') },
  });
  return [name];
}
for (const app of topology.apps) {
  // Instances of one app start one after another, as with `npm start`: the first runs the
  // database migrations, which concurrent instances would race on.
  let previous: string[] = addBundle(app);
  for (const instance of expandReplicas(app)) previous = [addInstance(instance, previous)];
}
// Last, as with `npm start`: Envoy routes to apps that are already up.
add({
  name: 'envoy',
  deps: ['dapr/ingress', 'stack.json'],
  after: resources.map((r) => r.name),
  labels: ['ingress'],
  links: [
    { url: ingressUrl, name: 'SoulChat (envoy)' },
    { url: `http://127.0.0.1:${topology.ingress.adminPort}`, name: 'envoy admin' },
  ],
  readiness: { http: { port: topology.ingress.adminPort, path: '/ready' } },
});

console.log(JSON.stringify({ profile: topology.profile, runDir: options.runDir, resources }));
