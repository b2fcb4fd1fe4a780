/**
 * A bare daprd with app id `media` and nothing but the profile's `media` component (rendered as
 * the launcher renders it), and, for profiles that need one, the launcher's s3proxy: the binding
 * tested against real storage without the media service or the rest of the stack.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { components } from '../../packages/platform/src/components.ts';
import { startObjectStore } from '../../tools/stack/object-store.ts';
import { killStale, Supervisor } from '../../tools/stack/processes.ts';
import { fillTemplate, loadProfile, templateVars } from '../../tools/stack/resources.ts';
import { defaultRunDir } from '../../tools/stack/stack.ts';
import { locateToolchain } from '../../tools/stack/toolchain.ts';
import { loadTopology, type Topology } from '../../tools/stack/topology.ts';
import { waitForHttp } from '../../tools/stack/wait.ts';
import { freePorts } from '../harness/stack.ts';

export interface MediaSidecar {
  topology: Topology;
  runDir: string;
  /** http://127.0.0.1:<port>/v1.0/bindings/media */
  bindingUrl: string;
  supervisor: Supervisor;
  stop(): Promise<void>;
}

/** As stack.json would give the media app: uploads arrive base64, a third larger than the file. */
const maxBodySize = '48Mi';

export async function startMediaSidecar(profileName: string, offset: number): Promise<MediaSidecar> {
  const runDir = defaultRunDir(`media-${profileName}-${offset}`);
  await killStale(runDir);
  rmSync(runDir, { recursive: true, force: true });
  const topology = loadTopology({ offset, profile: profileName });
  const profile = loadProfile(profileName);
  const tools = locateToolchain();
  const supervisor = new Supervisor(runDir);
  try {
    if (profile.needs.includes('object-store')) {
      await startObjectStore(supervisor, tools, topology.infrastructure.objectStore, runDir);
    }
    const resources = renderMediaComponent(topology, runDir);
    const [http, grpc, internal, metrics] = await freePorts(4);
    const proc = supervisor.start({
      name: 'media-daprd',
      command: path.join(tools.daprBin, 'daprd'),
      args: [
        ...['--app-id', 'media', '--resources-path', resources, '--dapr-listen-addresses', '127.0.0.1'],
        ...['--dapr-http-port', String(http), '--dapr-grpc-port', String(grpc)],
        ...['--dapr-internal-grpc-port', String(internal), '--dapr-internal-grpc-listen-address', '127.0.0.1'],
        ...['--metrics-port', String(metrics), '--metrics-listen-address', '127.0.0.1'],
        ...['--max-body-size', maxBodySize, '--log-level', 'info'],
      ],
    });
    // Healthy only once every component loaded: a component that failed to init keeps it unready.
    await waitForHttp('media daprd', `http://127.0.0.1:${http}/v1.0/healthz`, { process: proc, timeoutMs: 60_000 });
    return {
      topology,
      runDir,
      bindingUrl: `http://127.0.0.1:${http}/v1.0/bindings/${components.media}`,
      supervisor,
      stop: () => supervisor.stopAll(),
    };
  } catch (err) {
    await supervisor.stopAll();
    throw err;
  }
}

/** The profile's `media` component alone, with the launcher's placeholders filled. */
function renderMediaComponent(topology: Topology, runDir: string): string {
  const file = loadProfile(topology.profile).files.get(components.media);
  if (!file) throw new Error(`profile ${topology.profile} has no ${components.media} component`);
  const dir = path.join(runDir, 'resources', 'media');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, path.basename(file)),
    fillTemplate(readFileSync(file, 'utf8'), templateVars(topology, runDir)),
  );
  return dir;
}

export interface BindingAnswer {
  status: number;
  body: Buffer;
}

/** One binding request as the media service sends it: both key spellings, data base64. */
export async function invokeMedia(
  sidecar: MediaSidecar,
  operation: string,
  key: string,
  extra: { data?: Buffer; metadata?: Record<string, string> } = {},
): Promise<BindingAnswer> {
  const res = await fetch(sidecar.bindingUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // bindings.aws.s3 names the object by `key`, bindings.localstorage by `fileName`.
    body: JSON.stringify({
      operation,
      ...(extra.data ? { data: extra.data.toString('base64') } : {}),
      metadata: { key, fileName: key, ...extra.metadata },
    }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}
