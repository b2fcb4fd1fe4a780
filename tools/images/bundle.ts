import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../stack/topology.ts';

/** Packages with native code: left out of the bundle and copied beside it with their binaries. */
const nativePackages = ['@node-rs/argon2'];

// The bundle is ESM; a few CommonJS dependencies still call require() for Node's built-ins.
const requireShim =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

const healthcheck = `// The image's HEALTHCHECK: the app's liveness route on its own port.
const res = await fetch(\`http://127.0.0.1:\${process.env.PORT}/healthz\`).catch(() => null);
process.exit(res?.ok ? 0 : 1);
`;

export interface BundleTarget {
  id: string;
  workspace: string;
  entry: string;
}

/**
 * Compiles one service into `<contextDir>/app`: main.mjs, its migrations as modules of their
 * own (the migrator reads that folder at start), shared chunks, source maps, native packages.
 */
export async function bundleService(target: BundleTarget, contextDir: string): Promise<void> {
  const appDir = path.join(contextDir, 'app');
  rmSync(contextDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  const srcDir = path.join(repoRoot, target.workspace, 'src');
  const migrationsDir = path.join(srcDir, 'db/migrations');
  const migrations = existsSync(migrationsDir)
    ? readdirSync(migrationsDir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => path.join(migrationsDir, f))
    : [];
  await build({
    entryPoints: [path.join(repoRoot, target.workspace, target.entry), ...migrations],
    outbase: srcDir,
    outdir: appDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Stack traces keep our names and map to src/ lines; the maps leave the sources out.
    minify: true,
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    external: nativePackages,
    banner: { js: requireShim },
    logLevel: 'error',
  });
  writeFileSync(path.join(appDir, 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`);
  writeFileSync(path.join(appDir, 'healthcheck.mjs'), healthcheck);
  for (const name of usedNativePackages(appDir)) copyPackage(name, appDir);
  if (target.id === 'web')
    cpSync(path.join(repoRoot, 'packages/web-app/dist'), path.join(appDir, 'web'), { recursive: true });
}

function usedNativePackages(appDir: string): string[] {
  const code = readdirSync(appDir)
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => readFileSync(path.join(appDir, f), 'utf8'))
    .join('\n');
  return nativePackages.filter((name) => code.includes(`"${name}"`));
}

/** Copies a package and whichever of its optional (per-platform binary) packages are installed. */
function copyPackage(name: string, appDir: string): void {
  const from = path.join(repoRoot, 'node_modules', name);
  cpSync(from, path.join(appDir, 'node_modules', name), { recursive: true, dereference: true });
  const manifest = JSON.parse(readFileSync(path.join(from, 'package.json'), 'utf8')) as {
    optionalDependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.optionalDependencies ?? {})) {
    const depDir = path.join(repoRoot, 'node_modules', dep);
    if (existsSync(depDir))
      cpSync(depDir, path.join(appDir, 'node_modules', dep), { recursive: true, dereference: true });
  }
}
