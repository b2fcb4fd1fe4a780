import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { Toolchain } from '../stack/toolchain.ts';

const run = promisify(execFile);

/** podman's environment: our containers.conf (runc, no default ulimits; see tools/lib.sh). */
export const podmanEnv = (toolchain: Pick<Toolchain, 'containersConf'>): NodeJS.ProcessEnv => ({
  ...process.env,
  CONTAINERS_CONF: toolchain.containersConf,
});

/**
 * Runs podman and returns its stdout; a failure carries podman's stderr. `env` adds variables
 * that `-e NAME` arguments hand on to a container (values never on the command line).
 */
export async function podman(toolchain: Toolchain, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const options = { env: { ...podmanEnv(toolchain), ...env }, maxBuffer: 64 * 1024 * 1024 };
    const { stdout } = await run('podman', args, options);
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`podman ${args[0]} failed: ${stderr.trim() || String(err)}`);
  }
}

/** Runs podman with its output streamed to ours (long builds show their progress). */
export function podmanStreaming(toolchain: Toolchain, args: string[], input?: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('podman', args, {
      env: podmanEnv(toolchain),
      stdio: [input ? 'pipe' : 'ignore', 'inherit', 'inherit'],
    });
    if (input && child.stdin) input.pipe(child.stdin);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`podman ${args[0]} exited with ${code}`))));
  });
}

export const imageExists = (toolchain: Toolchain, ref: string): Promise<boolean> =>
  podman(toolchain, ['image', 'exists', ref]).then(
    () => true,
    () => false,
  );
