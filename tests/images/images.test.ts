/**
 * What each service image must be, checked on the images `npm run test:images` just built (it
 * runs this suite beside the e2e suites, which run against the same images).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
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
  Config: { User: string; Labels: Record<string, string>; Cmd: string[] };
  Healthcheck?: { Test: string[] };
}

async function configOf(ref: string) {
  const [image] = JSON.parse(await podman(toolchain, ['image', 'inspect', ref])) as ImageInspect[];
  assert.ok(image, `${ref} exists`);
  return { ...image.Config, Healthcheck: image.Healthcheck };
}

/** Lists the image's files with its own node (the image has no shell and no ls). */
async function filesOf(ref: string): Promise<string[]> {
  // A walk that steps over what the image's user may not read (/etc/ssl/private, say).
  const script = `const fs = require('node:fs');
    const walk = (d) => { let names = []; try { names = fs.readdirSync(d); } catch { return; }
      for (const n of names) { const f = d + n; console.log(f.slice(1)); if (fs.lstatSync(f).isDirectory()) walk(f + '/'); } };
    for (const top of fs.readdirSync('/')) if (!['proc', 'sys', 'dev'].includes(top)) { console.log(top); walk('/' + top + '/'); }`;
  return (await nodeIn(ref, script)).split('\n').filter(Boolean);
}

/** Runs node inside the image (it has no shell), with no network. */
const nodeIn = (ref: string, script: string) =>
  podman(toolchain, ['run', '--rm', '--no-healthcheck', '--network', 'none', ref, '/usr/bin/node', '-e', script]);

for (const app of loadTopology().apps) {
  describe(`image of ${app.id}`, () => {
    const ref = imageRef(app.id, tag);

    test('runs as the non-root uid the chart names, with OCI labels and a health check', async () => {
      const config = await configOf(ref);
      assert.equal(config.User, '10001:10001');
      assert.equal(config.Labels['org.opencontainers.image.revision'], checkout.commit);
      assert.equal(config.Labels['org.opencontainers.image.version'], checkout.version);
      assert.match(config.Labels['org.opencontainers.image.source'] ?? '', /^https:\/\//);
      assert.deepEqual(config.Healthcheck?.Test.slice(-2), ['/usr/bin/node', '/app/healthcheck.mjs']);
      assert.deepEqual(config.Cmd.slice(-1), ['/app/main.mjs']);
    });

    test('holds compiled code only: no TypeScript, no tsx, no shell, no package manager', async () => {
      const files = await filesOf(ref);
      assert.ok(files.includes('app/main.mjs'), 'the bundle is there');
      assert.deepEqual(
        files.filter((f) => f.startsWith('app/') && /\.(ts|mts|cts)$/.test(f) && !f.endsWith('.d.ts')),
        [],
      );
      assert.deepEqual(
        files.filter((f) => /(^|\/)node_modules\/(tsx|typescript|esbuild)(\/|$)/.test(f)),
        [],
      );
      for (const tool of ['usr/bin/sh', 'usr/bin/bash', 'usr/bin/apt', 'usr/bin/dpkg', 'usr/bin/npm']) {
        assert.ok(!files.includes(tool), `${tool} is not in the image`);
      }
    });

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
