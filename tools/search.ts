/**
 * The search service of a running stack: `npm run search -- rebuild` refills its index from the
 * chat service's history (the index is only a copy; this is how a lost or changed one comes back).
 * Reads the stack's stack-info.json (`--run-dir`, default the `npm start` stack's).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine } from './command-line.ts';
import type { StackInfo } from './stack/sidecar.ts';
import { defaultRunDir } from './stack/stack.ts';

const usage = 'usage: npm run search -- rebuild [--run-dir DIR]';

export interface RebuildResult {
  messages: number;
  seconds: number;
}

/** Asks each search instance to rebuild, as its sidecar would call it (the app token). */
export async function rebuildSearch(info: StackInfo): Promise<RebuildResult[]> {
  const instances = info.apps.filter((a) => a.id === 'search');
  if (instances.length === 0) throw new Error('this stack runs no search service');
  const results: RebuildResult[] = [];
  for (const app of instances) {
    const res = await fetch(`http://127.0.0.1:${app.port}/internal/rebuild`, {
      method: 'POST',
      headers: { 'dapr-api-token': app.appApiToken },
      signal: AbortSignal.timeout(30 * 60_000),
    });
    const body = (await res.json()) as RebuildResult & { error?: { message: string } };
    if (!res.ok) throw new Error(`${app.instance}: rebuild failed (${res.status}): ${body.error?.message ?? ''}`);
    results.push(body);
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseCommandLine(
    { allowPositionals: true, options: { 'run-dir': { type: 'string' } } },
    usage,
  );
  if (positionals[0] !== 'rebuild') {
    console.error(usage);
    process.exit(2);
  }
  const runDir = values['run-dir'] ? path.resolve(values['run-dir']) : defaultRunDir('dev');
  const info = JSON.parse(readFileSync(path.join(runDir, 'stack-info.json'), 'utf8')) as StackInfo;
  for (const r of await rebuildSearch(info))
    console.log(`rebuilt: ${r.messages} messages in ${r.seconds.toFixed(1)} s`);
}
