/**
 * A real browser for the tests: Debian's chromium (installed by tools/setup.sh) driven by
 * playwright-core, and a page on its own 127.0.0.1 origin (one the ingress's CORS allows) that
 * loads `@soulchat/client` bundled for browsers as `window.SoulChat`.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { repoRoot } from '../../tools/stack/topology.ts';

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? execFileSync('bash', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
}

export function launchBrowser(): Promise<Browser> {
  // Root in a container has no user namespaces for chromium's sandbox.
  return chromium.launch({ executablePath: chromiumPath(), args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

async function clientBundle(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(repoRoot, 'packages/client/src/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'SoulChat',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  return result.outputFiles[0]?.text ?? '';
}

// The tests run through tsx, which keeps function names by wrapping them in `__name(...)`; the
// functions a test hands to page.evaluate carry those calls into the page, so it defines it.
const nameHelper = '<script>var __name = (target) => target;</script>';

export interface TestPage {
  origin: string;
  close(): Promise<void>;
}

/** Serves an empty page and the client bundle at `/client.js` on a port of its own. */
export async function servePage(): Promise<TestPage> {
  const script = await clientBundle();
  const server = http.createServer((req, res) => {
    if (req.url === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!doctype html><html><head><title>client test</title>${nameHelper}<script src="/client.js"></script></head></html>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
