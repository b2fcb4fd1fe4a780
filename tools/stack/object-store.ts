import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Supervisor } from './processes.ts';
import type { Toolchain } from './toolchain.ts';
import { repoRoot, type Topology } from './topology.ts';
import { waitForHttp } from './wait.ts';

type ObjectStore = Topology['infrastructure']['objectStore'];

/** The process name of the local S3-compatible server (s3proxy), for logs and fault tests. */
export const objectStoreProcess = 's3proxy';

const credentialsSchema = z.object({ accessKey: z.string().min(16), secretKey: z.string().min(32) });
export type ObjectStoreCredentials = z.infer<typeof credentialsSchema>;

/**
 * The server's access key and secret, made once per run dir and kept there (mode 0600, never in
 * git). Kept rather than made on every start: Tilt restarts s3proxy alone, and the sidecars'
 * rendered `media` components must still match it.
 */
export function objectStoreCredentials(runDir: string): ObjectStoreCredentials {
  const dir = path.join(runDir, 'secrets');
  const file = path.join(dir, 'object-store.json');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fresh = { accessKey: randomBytes(12).toString('hex'), secretKey: randomBytes(30).toString('base64url') };
  try {
    // Exclusive create: pieces rendering in parallel (Tilt) end up with one pair, the first one.
    writeFileSync(file, JSON.stringify(fresh), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return credentialsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export const objectStoreEndpoint = (store: ObjectStore) => `http://127.0.0.1:${store.port}`;

/** s3proxy's settings: SigV2/SigV4 (headers and presigned URLs) over the filesystem backend. */
function s3proxyProperties(store: ObjectStore, dataDir: string, credentials: ObjectStoreCredentials): string {
  const settings: Record<string, string> = {
    's3proxy.endpoint': objectStoreEndpoint(store),
    's3proxy.authorization': 'aws-v2-or-v4',
    's3proxy.identity': credentials.accessKey,
    's3proxy.credential': credentials.secretKey,
    'jclouds.provider': 'filesystem',
    // The backend's own login, unused by the filesystem provider but required by the server.
    'jclouds.identity': credentials.accessKey,
    'jclouds.credential': credentials.secretKey,
    'jclouds.filesystem.basedir': dataDir,
  };
  return `${Object.entries(settings)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

/**
 * Starts s3proxy with its data in the supervisor's folder and waits for its health endpoint. With
 * the filesystem backend a bucket is a folder of the data dir, so it exists before any client.
 * The keys come from `runDir`, the stack's run dir (under Tilt, not this piece's own folder).
 */
export async function startObjectStore(
  sup: Supervisor,
  tools: Toolchain,
  store: ObjectStore,
  runDir: string,
): Promise<void> {
  const dir = path.join(sup.runDir, 'object-store');
  const dataDir = path.join(dir, 'data');
  mkdirSync(path.join(dataDir, store.bucket), { recursive: true });
  const properties = path.join(dir, 's3proxy.properties');
  writeFileSync(properties, s3proxyProperties(store, dataDir, objectStoreCredentials(runDir)), { mode: 0o600 });
  const proc = sup.start({
    name: objectStoreProcess,
    command: 'java',
    args: [
      ...['-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:-UsePerfData', '-Djava.awt.headless=true'],
      `-Dlogback.configurationFile=${path.join(repoRoot, 'tools/s3proxy/logback.xml')}`,
      ...['-cp', `${tools.s3proxyHome}/libs/*`, 'org.gaul.s3proxy.Main', '--properties', properties],
    ],
  });
  await waitForHttp(objectStoreProcess, `${objectStoreEndpoint(store)}/healthz`, { process: proc, timeoutMs: 60_000 });
}
