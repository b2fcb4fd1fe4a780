import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Toolchain } from '../stack/toolchain.ts';
import { imageExists, podman, podmanStreaming } from './podman.ts';

const run = promisify(execFile);

/**
 * The root filesystem, unpacked from Debian packages without running their scripts (mmdebstrap's
 * `extract` variant): nodejs and what it links, and the CA certificates; no shell, no apt, no
 * dpkg, so nothing in a running container can install or spawn much.
 */
const packages = ['nodejs', 'ca-certificates'];
/** What base-files and update-ca-certificates would do, run on the unpacked tree (shell). */
const finishing = [
  // The merged-/usr links (node's loader is /lib64/ld-linux-x86-64.so.2).
  'ln -s usr/bin bin && ln -s usr/lib lib && ln -s usr/lib64 lib64 && ln -s usr/sbin sbin',
  'mkdir -p etc/ssl/certs && cat usr/share/ca-certificates/mozilla/*.crt > etc/ssl/certs/ca-certificates.crt',
  // dpkg's record of what is in the image, from the packages themselves (the extract variant
  // writes none), so a scanner or a person can tell which Debian versions the image carries.
  'for deb in var/cache/apt/archives/*.deb; do dpkg-deb --field "$deb" | sed "1a Status: install ok installed"; echo; done > var/lib/dpkg/status',
  'rm -rf var/cache/apt var/lib/apt',
  // iconv's modules: Node does not use them, and they are 8 MB.
  'mkdir -p tmp && chmod 1777 tmp && rm -rf usr/lib/x86_64-linux-gnu/gconv',
];
const excluded = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/locale/*', '/usr/share/lintian/*'];

/** The base's tag names the suite, the accepted Node version and this recipe. */
export function baseImageRef(toolchain: Toolchain): string {
  const recipe = createHash('sha256')
    .update(JSON.stringify({ packages, finishing, excluded }))
    .digest('hex')
    .slice(0, 12);
  return `localhost/soulchat/node-base:${toolchain.imageSuite}-node${toolchain.imageNodeVersion}-${recipe}`;
}

/** Builds the base image once per recipe; the tarball is cached, so a new image store re-imports. */
export async function ensureBaseImage(toolchain: Toolchain, log: (m: string) => void): Promise<string> {
  const ref = baseImageRef(toolchain);
  if (await imageExists(toolchain, ref)) return ref;
  const dir = path.join(toolchain.cache, 'images');
  const tarball = path.join(dir, `${ref.split(':')[1]}.tar`);
  if (!existsSync(tarball)) {
    log(`building the base root filesystem from Debian ${toolchain.imageSuite} (mmdebstrap)`);
    const rootfs = path.join(dir, 'rootfs.partial');
    rmSync(rootfs, { recursive: true, force: true });
    mkdirSync(rootfs, { recursive: true });
    const args = [
      '--variant=extract',
      // The downloaded packages stay until the status file is written from them (finishing).
      '--skip=cleanup/apt/cache',
      `--include=${packages.join(',')}`,
      ...excluded.map((p) => `--dpkgopt=path-exclude=${p}`),
      toolchain.imageSuite,
      rootfs,
      'http://deb.debian.org/debian',
    ];
    await run('mmdebstrap', args, { maxBuffer: 64 * 1024 * 1024 });
    // mmdebstrap runs no hooks for the extract variant: finish the tree here.
    for (const step of finishing) await run('sh', ['-ec', step], { cwd: rootfs });
    await run('tar', ['-C', rootfs, '--numeric-owner', '-cf', `${tarball}.partial`, '.']);
    renameSync(`${tarball}.partial`, tarball);
    rmSync(rootfs, { recursive: true, force: true });
    // Tarballs of earlier recipes are not used again.
    for (const old of readdirSync(dir).filter((f) => f.endsWith('.tar') && path.join(dir, f) !== tarball))
      rmSync(path.join(dir, old));
  }
  log(`importing ${ref}`);
  await podmanStreaming(toolchain, ['import', '-', ref], createReadStream(tarball));
  const version = (await podman(toolchain, ['run', '--rm', ref, '/usr/bin/node', '--version'])).trim();
  if (!version.startsWith(`v${toolchain.imageNodeVersion}.`)) {
    throw new Error(`the base image has Node ${version}, ${toolchain.imageNodeVersion} is pinned (tools/versions.env)`);
  }
  return ref;
}
