import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../stack/topology.ts';

/** What the images of this checkout are tagged with: `<version>-<commit>` (and `<version>`). */
export interface ImageTag {
  version: string;
  commit: string;
  tag: string;
}

export function imageTag(): ImageTag {
  const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'services/chat/package.json'), 'utf8')) as {
    version: string;
  };
  const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  return { version, commit, tag: `${version}-${commit}` };
}

export const imageRef = (appId: string, tag: string) => `localhost/soulchat/${appId}:${tag}`;

/** A label on every container the launcher starts from an image, so a sweep can find leftovers. */
export const containerLabel = 'io.soulchat.stack';

/**
 * How the launcher runs an app from its image instead of from source: the host's network (the
 * sidecar and the infrastructure stay on loopback, as today), a read-only root, no
 * capabilities. Environment values are not on the command line: `-e NAME` makes
 * podman copy each from its own environment, which the launcher sets. An app that keeps files
 * (the search index) gets `dataDir`, its DATA_DIR, as a volume at the same path: the one
 * writable place, kept across restarts of the container as the run dir keeps it for a process.
 */
export function containerArgs(options: { ref: string; name: string; envNames: string[]; dataDir?: string }): string[] {
  return [
    'run',
    '--rm',
    '--name',
    options.name,
    '--label',
    `${containerLabel}=app`,
    '--network',
    'host',
    // As the chart runs it: nothing writable, not even /tmp.
    '--read-only',
    // `:U`: owned by the image's uid (10001), which could not write a folder the launcher made.
    ...(options.dataDir ? ['--volume', `${options.dataDir}:${options.dataDir}:U`] : []),
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    // The launcher waits for /readyz itself; podman's scheduled health checks need systemd.
    '--no-healthcheck',
    '--stop-timeout',
    '10',
    ...options.envNames.flatMap((name) => ['-e', name]),
    options.ref,
  ];
}
