/**
 * An image's app is PID 1 in its container, where a signal with no handler is ignored: this
 * checks that SIGTERM (what Kubernetes and `podman stop` send) still ends it cleanly, well
 * before the stop timeout would kill it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { imageRef } from '../../tools/images/images.ts';
import { podman } from '../../tools/images/podman.ts';
import { locateToolchain } from '../../tools/stack/toolchain.ts';
import { waitForHttp } from '../../tools/stack/wait.ts';
import { freshDatabase } from '../harness/database.ts';
import { freePort } from '../harness/stack.ts';

const tag = process.env.SOULCHAT_APP_IMAGES;
if (!tag) throw new Error('run through npm run test:images, which builds the images and names their tag');
const toolchain = locateToolchain();

/** Runs the app's image, waits for /healthz, sends SIGTERM, and returns its exit code and log. */
async function stopWithSigterm(app: string, env: Record<string, string>, extraArgs: string[] = []) {
  const name = `soulchat-shutdown-${app}-${randomBytes(4).toString('hex')}`;
  after(() => podman(toolchain, ['rm', '--force', '--ignore', name]));
  // No --rm: the exit code and the log are read after it stops.
  const args = [
    'run',
    '--detach',
    '--name',
    name,
    '--network',
    'host',
    '--read-only',
    '--no-healthcheck',
    ...extraArgs,
  ];
  await podman(toolchain, [...args, ...Object.keys(env).flatMap((k) => ['-e', k]), imageRef(app, tag ?? '')], env);
  await waitForHttp(`the ${app} in its container`, `http://127.0.0.1:${env.PORT}/healthz`, { timeoutMs: 60_000 });
  // 30 s is Kubernetes' default grace period, which the chart keeps; then podman sends SIGKILL (137).
  await podman(toolchain, ['stop', '--time', '30', name]);
  const exitCode = (await podman(toolchain, ['inspect', '--format', '{{.State.ExitCode}}', name])).trim();
  return { exitCode, logs: await podman(toolchain, ['logs', name]) };
}

const shutDownOnSigterm = /"signal":"SIGTERM".*"msg":"shutting down"|"msg":"shutting down".*"signal":"SIGTERM"/;

test('SIGTERM stops the app in its container gracefully (exit 0), not by the stop timeout', async () => {
  const db = await freshDatabase('image_shutdown');
  after(() => db.drop());
  const { exitCode, logs } = await stopWithSigterm('skeleton', {
    SERVICE_NAME: 'skeleton',
    PORT: String(await freePort()),
    DAPR_HTTP_PORT: String(await freePort()),
    DAPR_GRPC_PORT: String(await freePort()),
    DATABASE_URL: db.url,
  });
  assert.equal(exitCode, '0', `exit code ${exitCode}; log:\n${logs}`);
  assert.match(logs, shutDownOnSigterm);
});

test('the media image also ends on SIGTERM with exit 0, sharp loaded and its sweep timer stopped', async () => {
  const db = await freshDatabase('image_shutdown_media');
  after(() => db.drop());
  const { exitCode, logs } = await stopWithSigterm('media', {
    SERVICE_NAME: 'media',
    PORT: String(await freePort()),
    DAPR_HTTP_PORT: String(await freePort()),
    DAPR_GRPC_PORT: String(await freePort()),
    DATABASE_URL: db.url,
    APP_API_TOKEN: randomBytes(16).toString('hex'),
  });
  assert.equal(exitCode, '0', `exit code ${exitCode}; log:\n${logs}`);
  assert.match(logs, shutDownOnSigterm);
});

test('the Go search image also ends on SIGTERM with exit 0, its index closed', async () => {
  const { exitCode, logs } = await stopWithSigterm(
    'search',
    {
      SERVICE_NAME: 'search',
      PORT: String(await freePort()),
      DAPR_HTTP_PORT: String(await freePort()),
      DAPR_GRPC_PORT: String(await freePort()),
      DATA_DIR: '/data',
    },
    ['--tmpfs', '/data:rw,mode=1777'],
  );
  assert.equal(exitCode, '0', `exit code ${exitCode}; log:\n${logs}`);
  assert.match(logs, shutDownOnSigterm);
});
