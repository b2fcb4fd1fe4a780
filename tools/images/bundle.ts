import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../stack/topology.ts';

/**
 * Packages with native code: left out of the bundle (esbuild cannot inline a .node file, nor the
 * loader that picks the one for this platform) and copied beside it with what they load at run
 * time (packageClosure). sharp's addon links its libvips, which @img/sharp-libvips-linux-x64 holds.
 */
export const nativePackages = ['@node-rs/argon2', 'sharp'];

/**
 * Files of those packages that nothing reads at run time, left out: type declarations (for the
 * compiler), the addon's C++ sources, headers and gyp files, and sharp's build-from-source script
 * (the image runs the prebuilt binary; it has no compiler).
 */
const buildOnly = [/\.d\.[cm]?ts$/, /\.(c|cc|cpp|h|hpp|gyp|gypi)$/, /^sharp\/install\//];

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

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * A package and what it loads, transitively: its dependencies (sharp's detect-libc, semver,
 * @img/colour) and whichever optional ones are installed, which are the binaries for this
 * platform (npm installs only those). Resolved from the root node_modules, where npm hoists them.
 */
export function packageClosure(name: string, seen = new Set<string>()): Set<string> {
  const dir = path.join(repoRoot, 'node_modules', name);
  if (seen.has(name) || !existsSync(dir)) return seen;
  seen.add(name);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }))
    packageClosure(dep, seen);
  return seen;
}

function copyPackage(name: string, appDir: string): void {
  const modules = path.join(repoRoot, 'node_modules');
  for (const pkg of packageClosure(name)) {
    const to = path.join(appDir, 'node_modules', pkg);
    cpSync(path.join(modules, pkg), to, {
      recursive: true,
      dereference: true,
      filter: (from) => !buildOnly.some((pattern) => pattern.test(path.relative(modules, from))),
    });
    removeEmptyFolders(to);
  }
}

/** The folders whose files were all left out (sharp's src/) are left out too. */
function removeEmptyFolders(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isDirectory()) removeEmptyFolders(path.join(dir, entry.name));
  if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}
