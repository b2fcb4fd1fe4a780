/**
 * `npm run images`: the base image (once per recipe), then one image per service, tagged with the
 * version and the commit; prints each image's size. A Node service is bundled into the Node image
 * (Containerfile); a Go service's binary goes into an image of its own, from scratch
 * (Containerfile.go). No vulnerability scan: the scanners that install from the reachable
 * registries (trivy, grype) fetch their databases from hosts this machine cannot reach, and a scan
 * without a database would report nothing.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { locateToolchain, type Toolchain } from '../stack/toolchain.ts';
import { type AppSpec, loadTopology, repoRoot } from '../stack/topology.ts';
import { ensureBaseImage } from './base.ts';
import { bundleService } from './bundle.ts';
import { type ImageTag, imageRef, imageTag } from './images.ts';
import { podman, podmanStreaming } from './podman.ts';

const run = promisify(execFile);
const sourceUrl = 'https://github.com/soulchat/soulchat';
const log = (m: string) => console.log(`[images] ${m}`);

export interface BuiltImage {
  appId: string;
  ref: string;
  bytes: number;
}

/**
 * A Go app's binary for its sources as they are now: setup.sh builds it (only the search service is
 * one, SEARCH_BIN), at once if nothing changed since `setup`, else it builds them first.
 */
async function goBinary(app: AppSpec): Promise<string> {
  if (app.id !== 'search') throw new Error(`no binary of ${app.id}: tools/setup.sh builds services/search only`);
  await run('bash', [path.join(repoRoot, 'tools/setup.sh'), '--search-only'], { cwd: repoRoot });
  // Its path names the hash of the sources, read again after the build.
  const bin = locateToolchain().searchBin;
  if (!existsSync(bin)) throw new Error(`${bin} is not built: its sources changed during the build, run it again`);
  return bin;
}

/**
 * A Go app's build context: its binary as /app/<id>, and dpkg's record of the one Debian package
 * the image takes a file from (the CA bundle), so a scanner sees that version as in the Node images.
 */
async function goContext(toolchain: Toolchain, base: string, app: AppSpec, context: string): Promise<void> {
  rmSync(context, { recursive: true, force: true });
  mkdirSync(path.join(context, 'app'), { recursive: true });
  copyFileSync(await goBinary(app), path.join(context, 'app', app.id));
  const script = "process.stdout.write(require('node:fs').readFileSync('/var/lib/dpkg/status', 'utf8'))";
  const status = await podman(toolchain, ['run', '--rm', '--network', 'none', base, '/usr/bin/node', '-e', script]);
  const stanza = status.split('\n\n').find((s) => s.startsWith('Package: ca-certificates\n'));
  if (!stanza) throw new Error(`${base} records no ca-certificates package`);
  mkdirSync(path.join(context, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(path.join(context, 'var/lib/dpkg/status'), `${stanza.trim()}\n\n`);
}

async function buildOne(toolchain: Toolchain, base: string, tag: ImageTag, app: AppSpec) {
  const context = path.join(repoRoot, '.run/images', app.id);
  const go = app.runtime === 'go';
  if (go) await goContext(toolchain, base, app, context);
  else await bundleService(app, context);
  const ref = imageRef(app.id, tag.tag);
  const buildArgs = { BASE: base, SERVICE: app.id, VERSION: tag.version, REVISION: tag.commit, SOURCE: sourceUrl };
  await podmanStreaming(toolchain, [
    'build',
    '--quiet',
    // Only a COPY and labels: nothing worth caching, and a cached layer could keep old labels.
    '--no-cache',
    // The Docker format keeps the HEALTHCHECK (OCI's image config has no field for it).
    '--format',
    'docker',
    '--file',
    path.join(repoRoot, go ? 'tools/images/Containerfile.go' : 'tools/images/Containerfile'),
    ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    '--tag',
    ref,
    '--tag',
    imageRef(app.id, tag.version),
    context,
  ]);
  const bytes = Number((await podman(toolchain, ['image', 'inspect', '--format', '{{.Size}}', ref])).trim());
  return { appId: app.id, ref, bytes };
}

export async function buildImages(): Promise<BuiltImage[]> {
  const toolchain = locateToolchain();
  const base = await ensureBaseImage(toolchain, log);
  const tag = imageTag();
  const built: BuiltImage[] = [];
  for (const app of loadTopology().apps) {
    log(`building ${app.id}`);
    built.push(await buildOne(toolchain, base, tag, app));
  }
  for (const b of built) log(`${b.ref.padEnd(52)} ${(b.bytes / 1e6).toFixed(1).padStart(6)} MB`);
  log('vulnerability scan: none (no scanner reachable here has its database reachable too; see README)');
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildImages();
