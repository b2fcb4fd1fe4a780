/**
 * `npm run images`: the base image (once per recipe), then one image per service, tagged with the
 * version and the commit; prints each image's size. No vulnerability scan: the scanners that
 * install from the reachable registries (trivy, grype) fetch their databases from hosts this
 * machine cannot reach, and a scan without a database would report nothing.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateToolchain, type Toolchain } from '../stack/toolchain.ts';
import { loadTopology, repoRoot } from '../stack/topology.ts';
import { ensureBaseImage } from './base.ts';
import { type BundleTarget, bundleService } from './bundle.ts';
import { type ImageTag, imageRef, imageTag } from './images.ts';
import { podman, podmanStreaming } from './podman.ts';

const sourceUrl = 'https://github.com/soulchat/soulchat';
const log = (m: string) => console.log(`[images] ${m}`);

export interface BuiltImage {
  appId: string;
  ref: string;
  bytes: number;
}

async function buildOne(toolchain: Toolchain, base: string, tag: ImageTag, app: BundleTarget) {
  const context = path.join(repoRoot, '.run/images', app.id);
  await bundleService(app, context);
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
    path.join(repoRoot, 'tools/images/Containerfile'),
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
