/**
 * What each service image must be, checked on the images `npm run test:images` just built (it
 * runs this suite beside the e2e suites, which run against the same images).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { nativePackages, packageClosure } from '../../tools/images/bundle.ts';
import { imageRef, imageTag } from '../../tools/images/images.ts';
import { podman } from '../../tools/images/podman.ts';
import { locateToolchain } from '../../tools/stack/toolchain.ts';
import { loadTopology } from '../../tools/stack/topology.ts';

const tag = process.env.SOULCHAT_APP_IMAGES;
if (!tag) throw new Error('run through npm run test:images, which builds the images and names their tag');
const toolchain = locateToolchain();
// The images under test are this checkout's: their labels must name its version and commit.
const checkout = imageTag();

interface ImageInspect {
  Config: { User: string; Labels: Record<string, string>; Cmd?: string[]; Entrypoint?: string[] };
  Healthcheck?: { Test: string[] };
}

const work = mkdtempSync(path.join(tmpdir(), 'soulchat-images-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function configOf(ref: string) {
  const [image] = JSON.parse(await podman(toolchain, ['image', 'inspect', ref])) as ImageInspect[];
  assert.ok(image, `${ref} exists`);
  return { ...image.Config, Healthcheck: image.Healthcheck };
}

/**
 * Unpacks the image's filesystem into a folder of the host (podman export of a container never
 * started), so the check needs nothing in the image: the Go image has no shell and no node.
 */
async function unpack(ref: string): Promise<{ dir: string; files: string[] }> {
  const name = `soulchat-files-${path.basename(ref).replace(/[^a-z0-9]/g, '-')}`;
  const tar = path.join(work, `${name}.tar`);
  await podman(toolchain, ['rm', '--force', '--ignore', name]);
  await podman(toolchain, ['create', '--name', name, '--no-healthcheck', '--network', 'none', ref]);
  try {
    await podman(toolchain, ['export', '--output', tar, name]);
  } finally {
    await podman(toolchain, ['rm', '--force', '--ignore', name]);
  }
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  execFileSync('tar', ['-xf', tar, '-C', dir, '--no-same-owner']);
  const listing = execFileSync('tar', ['-tf', tar], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  rmSync(tar);
  return {
    dir,
    files: listing
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^\.\//, '').replace(/\/$/, '')),
  };
}

const shellsAndInstallers = ['usr/bin/sh', 'usr/bin/bash', 'usr/bin/apt', 'usr/bin/dpkg', 'usr/bin/npm'];

/** Every package a Node image may hold beside its bundle: the native ones and what they load. */
const nativeClosure = [...new Set(nativePackages.flatMap((name) => [...packageClosure(name)]))].map((p) => `${p}/`);

/**
 * Inside the media image, from /app as the service runs: a 2000x1500 JPEG made by sharp, read
 * back and made a 320 px WebP as the service's thumbnails are (rotate() forces libvips to decode
 * the whole image, which it would do through a temporary file if it wanted one).
 */
const sharpProbe = `
import sharp from 'sharp';
const jpeg = await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#3a6' } }).jpeg().toBuffer();
const webp = await sharp(jpeg).rotate().resize({ width: 320 }).webp().toBuffer();
const meta = await sharp(webp).metadata();
process.stdout.write(JSON.stringify({ vips: sharp.versions.vips, format: meta.format, width: meta.width }));
`;

/** Runs node inside the image (it has no shell), with no network. */
const nodeIn = (ref: string, script: string) =>
  podman(toolchain, ['run', '--rm', '--no-healthcheck', '--network', 'none', ref, '/usr/bin/node', '-e', script]);

for (const app of loadTopology().apps) {
  const go = app.runtime === 'go';
  describe(`image of ${app.id} (${go ? 'Go, from scratch' : 'Node'})`, () => {
    const ref = imageRef(app.id, tag);

    test('runs as the non-root uid the chart names, with OCI labels and a health check', async () => {
      const config = await configOf(ref);
      assert.equal(config.User, '10001:10001');
      assert.equal(config.Labels['org.opencontainers.image.revision'], checkout.commit);
      assert.equal(config.Labels['org.opencontainers.image.version'], checkout.version);
      assert.equal(config.Labels['org.opencontainers.image.title'], `soulchat-${app.id}`);
      assert.match(config.Labels['org.opencontainers.image.source'] ?? '', /^https:\/\//);
      if (go) {
        // The binary answers its own health check (`search healthcheck`): no shell or curl needed.
        assert.deepEqual(config.Healthcheck?.Test, ['CMD', `/app/${app.id}`, 'healthcheck']);
        assert.deepEqual(config.Entrypoint, [`/app/${app.id}`]);
      } else {
        assert.deepEqual(config.Healthcheck?.Test.slice(-2), ['/usr/bin/node', '/app/healthcheck.mjs']);
        assert.deepEqual(config.Cmd?.slice(-1), ['/app/main.mjs']);
      }
    });

    if (go) {
      test('holds its static binary and the CA bundle only: no Node, no libc, no shell, no package manager', async () => {
        const { dir, files } = await unpack(ref);
        const regular = files.filter((f) => !files.some((other) => other.startsWith(`${f}/`)));
        // podman writes an empty /etc/resolv.conf into every container it creates.
        assert.deepEqual(regular.filter((f) => f !== 'etc/resolv.conf').sort(), [
          `app/${app.id}`,
          'etc/ssl/certs/ca-certificates.crt',
          'var/lib/dpkg/status',
        ]);
        for (const tool of [...shellsAndInstallers, 'usr/bin/node']) assert.ok(!files.includes(tool), `no ${tool}`);
        // Go's record of the build, which scanners read from the binary: its module, no cgo.
        const info = execFileSync('go', ['version', '-m', path.join(dir, 'app', app.id)], { encoding: 'utf8' });
        assert.match(info, /^\s+path\s+soulchat\/search$/m);
        assert.match(info, /^\s+build\s+CGO_ENABLED=0$/m, 'static: nothing to link at run time');
        assert.match(info, /^\s+dep\s+github\.com\/blevesearch\/bleve\/v2\s+v/m, 'its dependencies, by version');
        const bundle = readFileSync(path.join(dir, 'etc/ssl/certs/ca-certificates.crt'), 'utf8');
        const certificates = bundle.split('BEGIN CERTIFICATE').length - 1;
        assert.ok(certificates > 100, `the Mozilla CA bundle (${certificates} certificates), for TLS to a collector`);
      });

      test("records the one Debian package it takes a file from (dpkg's status): the CA certificates", async () => {
        const { dir } = await unpack(ref);
        const status = readFileSync(path.join(dir, 'var/lib/dpkg/status'), 'utf8');
        const stanzas = status.split('\n\n').filter((x) => x.trim());
        assert.deepEqual(
          stanzas.map((x) => x.split('\n')[0]),
          ['Package: ca-certificates'],
        );
        assert.match(stanzas[0] ?? '', /^Status: install ok installed$/m);
        assert.match(stanzas[0] ?? '', /^Version: \d{8}/m);
      });
      return;
    }

    test('holds compiled code only: no TypeScript, no tsx, no shell, no package manager', async () => {
      const { files } = await unpack(ref);
      const appFiles = files.filter((f) => f.startsWith('app/'));
      assert.ok(files.includes('app/main.mjs'), 'the bundle is there');
      // Not even declarations: the native packages are copied without them.
      assert.deepEqual(
        appFiles.filter((f) => /\.(ts|mts|cts)$/.test(f)),
        [],
      );
      // A native package brings its prebuilt addon, never the C/C++ it was built from.
      assert.deepEqual(
        appFiles.filter((f) => /\.(c|cc|cpp|h|hpp|gyp|gypi)$/.test(f)),
        [],
      );
      // Beside the bundle only the native packages and what they load (tools/images/bundle.ts),
      // and machine code (.node addons, shared libraries) only inside those.
      const modules = appFiles.filter(
        (f) => f.startsWith('app/node_modules/') && !appFiles.some((other) => other.startsWith(`${f}/`)),
      );
      assert.deepEqual(
        modules.filter((f) => !nativeClosure.some((pkg) => f.startsWith(`app/node_modules/${pkg}`))),
        [],
      );
      assert.deepEqual(
        appFiles.filter((f) => /\.node$|\.so(\.\d+)*$/.test(f) && !f.startsWith('app/node_modules/')),
        [],
      );
      for (const tool of shellsAndInstallers) {
        assert.ok(!files.includes(tool), `${tool} is not in the image`);
      }
    });

    if (app.id === 'media') {
      test('sharp loads its addon and libvips, and turns a JPEG into WebP, on a read-only root', async () => {
        const out = await podman(toolchain, [
          ...['run', '--rm', '--no-healthcheck', '--network', 'none', '--read-only', '--cap-drop', 'ALL', ref],
          ...['/usr/bin/node', '--input-type=module', '-e', sharpProbe],
        ]);
        const result = JSON.parse(out) as { vips: string; format: string; width: number };
        assert.match(result.vips, /^\d+\.\d+/);
        assert.deepEqual({ format: result.format, width: result.width }, { format: 'webp', width: 320 });
      });
    }

    test("records its Debian packages where scanners look (dpkg's status), Node at the pinned version", async () => {
      const status = await nodeIn(
        ref,
        "process.stdout.write(require('node:fs').readFileSync('/var/lib/dpkg/status', 'utf8'))",
      );
      const nodejs = status.split('\n\n').find((stanza) => stanza.startsWith('Package: nodejs\n'));
      assert.match(nodejs ?? '', /^Status: install ok installed$/m);
      assert.match(nodejs ?? '', new RegExp(`^Version: ${toolchain.imageNodeVersion.replace('.', '\\.')}\\.`, 'm'));
      assert.match(status, /^Package: libc6$/m);
    });
  });
}
