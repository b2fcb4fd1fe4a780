/**
 * `npm run bench -- search`: the search service over a large index, through the Envoy ingress,
 * beside the same query schedule sent to the search app directly (the cost of the edge and the
 * two sidecar hops). Figures, never assertions.
 *
 * It starts a stack of its own (user, profile, chat, search; ports +4000, run dir
 * .run/bench-search), registers a user who is in BENCH_SEARCH_GROUPS real groups, writes
 * BENCH_SEARCH_MESSAGES generated messages straight into the search index (services/search/
 * cmd/searchfill: the real groups plus 1,000 made-up conversations, English, Chinese and emoji),
 * restarts the service on it, then:
 *   - index lag: BENCH_LAG_MESSAGES real sends through the ingress at BENCH_LAG_RATE per second,
 *     the service's own event-time-to-searchable histogram read before and after;
 *   - queries: open-loop steps of BENCH_QPS_STEPS queries per second (BENCH_STEP_SECONDS each)
 *     until p99 passes BENCH_STOP_P99_MS (50) or fewer than 98% are answered.
 * Printed last: one JSON line, also appended to tools/bench/search-history.jsonl (BENCH_RECORD=0
 * leaves it alone). `sustained` is the highest step whose p99 held 50 ms.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type Stack, startStack } from '../stack/stack.ts';
import { repoRoot } from '../stack/topology.ts';
import { registerAccounts } from './chat/accounts.ts';
import { runContext } from './chat/history.ts';
import { stackProcesses } from './chat/proc.ts';
import { json } from './search/client.ts';
import { measureLag } from './search/lag.ts';
import { readSearchSettings } from './search/settings.ts';
import { type QueryTarget, runStep, sustained, sweep } from './search/steps.ts';

const settings = readSearchSettings();
const started = Date.now();
const progress = (m: string) => console.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s ${m}`);
const historyFile = path.join(repoRoot, 'tools', 'bench', 'search-history.jsonl');

function fillIndex(stack: Stack, groupIds: string[]) {
  const dir = path.join(stack.info.runDir, 'data', 'search', 'index');
  rmSync(dir, { recursive: true, force: true });
  const args = ['run', './cmd/searchfill', '-dir', dir, '-count', String(settings.BENCH_SEARCH_MESSAGES)];
  const out = execFileSync('go', [...args, '-conversations', groupIds.join(',')], {
    cwd: path.join(repoRoot, 'services/search'),
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { messages: number; seconds: number; bytes: number };
}

async function bench(stack: Stack) {
  const at = (instance: string) => `http://127.0.0.1:${stack.apps.get(instance)?.spec.port}`;
  const edge = stack.info.ingress?.url ?? '';
  const [me, friend] = await registerAccounts(at('user'), 2, progress);
  if (!me || !friend) throw new Error('two accounts were registered');
  const groupIds: string[] = [];
  for (let i = 0; i < settings.BENCH_SEARCH_GROUPS; i++) {
    const g = await json<{ id: string }>(`${edge}/groups`, {
      body: { name: `bench ${i}`, description: '', memberIds: [friend.id] },
      token: me.token,
    });
    groupIds.push(g.id);
  }
  const search = stack.apps.get('search');
  if (!search) throw new Error('no search app');
  progress(`filling the index with ${settings.BENCH_SEARCH_MESSAGES} generated messages`);
  await search.stop();
  const fill = fillIndex(stack, groupIds);
  await search.start();
  progress(`filled in ${fill.seconds.toFixed(0)} s (${Math.round(fill.bytes / 2 ** 20)} MiB); measuring index lag`);
  const metricsUrl = `${at('search')}/metrics`;
  const lag = await measureLag(
    { edge, metricsUrl, token: me.token, groupIds },
    settings.BENCH_LAG_MESSAGES,
    settings.BENCH_LAG_RATE,
  );
  progress(`index lag p99 <= ${lag.p99AtMostMs} ms, mean ${lag.meanMs} ms over ${lag.events} events`);

  const processes = () => stackProcesses(stack.info.runDir);
  const step = (target: QueryTarget, rate: number) =>
    runStep(
      target,
      rate,
      settings.BENCH_STEP_SECONDS,
      settings.BENCH_WARMUP_SECONDS,
      settings.BENCH_MAX_IN_FLIGHT,
      processes,
    );
  const running = stack.info.apps.find((a) => a.id === 'search');
  const viaIngress: QueryTarget = { url: `${edge}/search`, headers: { authorization: `Bearer ${me.token}` } };
  const direct: QueryTarget = {
    url: `${at('search')}/search`,
    headers: { authorization: `Bearer ${me.token}`, 'dapr-api-token': running?.appApiToken ?? '' },
  };
  progress('queries straight to the search app (baseline)');
  const directSteps = await sweep(direct, settings.BENCH_QPS_STEPS, step, settings.BENCH_STOP_P99_MS, progress);
  progress('queries through the ingress');
  const steps = await sweep(viaIngress, settings.BENCH_QPS_STEPS, step, settings.BENCH_STOP_P99_MS, progress);
  return {
    bench: 'search',
    ...runContext(),
    messages: fill.messages,
    indexBytes: fill.bytes,
    fillSeconds: Math.round(fill.seconds),
    indexLag: lag,
    sustained: sustained(steps, 50),
    direct: { sustained: sustained(directSteps, 50), steps: directSteps },
    steps,
  };
}

const runDir = path.join(repoRoot, '.run', 'bench-search');
rmSync(runDir, { recursive: true, force: true });
const stack = await startStack({
  runDir,
  portOffset: 4000,
  onlyApps: ['user', 'profile', 'chat', 'search'],
  progress: (m) => progress(`[stack] ${m}`),
});
process.once('SIGINT', () => void stack.stop().then(() => process.exit(130)));
try {
  const line = JSON.stringify(await bench(stack));
  if (settings.BENCH_RECORD) appendFileSync(historyFile, `${line}\n`);
  console.log(line);
} finally {
  await stack.stop();
}
process.exit(0);
