/**
 * `npm run test:images`: builds every image, then runs the end-to-end suites through Envoy
 * against a stack whose apps run from those images (sidecars and infrastructure as in npm test).
 * Arguments narrow the suites like npm test's; the default is tests/e2e and tests/images.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { locateToolchain } from '../stack/toolchain.ts';
import { repoRoot } from '../stack/topology.ts';
import { buildImages } from './build.ts';
import { containerLabel, imageTag } from './images.ts';
import { podmanEnv } from './podman.ts';

const built = await buildImages();
const toolchain = locateToolchain();
const env = { ...podmanEnv(toolchain), SOULCHAT_APP_IMAGES: imageTag().tag };
console.log(`[images] running suites against ${built.length} images tagged ${env.SOULCHAT_APP_IMAGES}`);
const suites = process.argv.slice(2);
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    path.join(repoRoot, 'tools/test-all.ts'),
    ...(suites.length ? suites : ['tests/e2e', 'tests/images']),
  ],
  { env, stdio: 'inherit', cwd: repoRoot },
);
// An app killed hard leaves its container behind: remove any, so the next run starts clean.
spawnSync('podman', ['rm', '--force', '--filter', `label=${containerLabel}`], { env, stdio: 'ignore' });
process.exit(result.status ?? 1);
