/**
 * `npm run bench -- chat`: an open-loop benchmark of chat through the Envoy ingress, beside the
 * same schedule on a bare WebSocket relay (the ceiling), straight and behind an Envoy that only
 * proxies (the ceiling of anything behind the ingress), in one run. Figures, never assertions.
 *
 * It starts a stack of its own (user, profile, chat x2, the ingress; ports +4000, run dir
 * .run/bench), registers real users, opens direct conversations and groups, measures the idle
 * stack's CPU, then offers messages in steps of rising rate. Sends leave on a fixed schedule
 * whatever the server does, and latency counts from the planned send time. A step stops the
 * run when its send->deliver p99 passes BENCH_STOP_P99_MS or it acks less than BENCH_MIN_ACKED
 * of what it offered. After each step a few offline devices sync and must get every acked
 * message. Last, idle sockets on chat-1 show what a connection costs in memory.
 *
 * Then, on a stack of its own (user, profile, media, the ingress) so neither phase disturbs the
 * other's figures, the media phase: BENCH_MEDIA_UPLOADS uploads of a 1 MiB text file and,
 * separately, of a ~1 MiB JPEG (decoded and re-encoded by the service), through the ingress at
 * each BENCH_MEDIA_CONCURRENCY, each downloaded once by its signed link after; per kind and
 * level: count, errors, MB/s (10^6 bytes), p50/p99 ms, and the CPU seconds of the media app,
 * its sidecar and the object store. In the JSON as `media`.
 *
 * Printed last: one JSON line (also appended to tools/bench/history.jsonl, and drawn in
 * tools/bench/chat.svg). `sustained` / `at100` are the highest steps whose p99 held 50 / 100 ms
 * with enough acked; their messagesPerSecond counts messages acked and delivered to every
 * connected member device during that step, not what was offered.
 *
 * Knobs (environment):
 *   BENCH_STEPS=100,250,...,5000  offered rates, messages per second
 *   BENCH_STEP_SECONDS=20         measured seconds per step, after BENCH_WARMUP_SECONDS=5
 *   BENCH_DRAIN_SECONDS=15        the longest wait for late acks and deliveries after a step
 *   BENCH_USERS=1000              registered users; BENCH_DEVICES_PER_USER=2
 *   BENCH_ONLINE_FRACTION=0.9     users whose devices stay connected; the rest sync after steps
 *   BENCH_MIX=70,25,5             percent of messages to direct, small group, large group
 *   BENCH_SMALL_GROUP=20, BENCH_LARGE_GROUP=200  group sizes (capped at BENCH_USERS)
 *   BENCH_SMALL_GROUPS, BENCH_LARGE_GROUPS       group counts (default users/20, users/200)
 *   BENCH_DIRECT_PER_USER=3       direct conversations per user, on average
 *   BENCH_SYNC_DEVICES=20         offline devices that sync after each step
 *   BENCH_IDLE=20000              idle sockets on chat-1 (fewer if `ulimit -n` is lower)
 *   BENCH_IDLE_CPU_SECONDS=20     how long the idle stack's CPU is measured
 *   BENCH_STOP_P99_MS=100         stop after a step whose send->deliver p99 is above this
 *   BENCH_MIN_ACKED=0.98          ... or that acked less than this fraction of its sends
 *   BENCH_WORKERS=2               load generator threads
 *   BENCH_CONTENT_BYTES=64        message length
 *   BENCH_CONNECT_RATE=300        device connects per second through the ingress
 *   BENCH_CLIENT_ADDRESSES=16     source addresses 127.0.0.100.. (Envoy limits per address)
 *   BENCH_RELAY=1                 0 skips the bare relay (both runs)
 *   BENCH_RECORD=1                0 leaves history.jsonl and chat.svg alone (trial runs)
 *   BENCH_SEED=1                  population and schedule seed
 *   BENCH_MEDIA=1                 0 skips the media phase
 *   BENCH_MEDIA_ONLY=0            1 runs the media phase alone (no relay, no chat; nothing recorded)
 *   BENCH_MEDIA_UPLOADS=40        uploads per kind and concurrency level
 *   BENCH_MEDIA_CONCURRENCY=1,4   uploads (then downloads) in flight at once, per level
 *   BENCH_MEDIA_FILE_BYTES=1048576  size of the text file; the JPEG is made about as large
 *   BENCH_TRACE_SAMPLE_RATIO=0.1  share of traces sampled by apps and sidecars, as in production
 *                                 (the chart's default; `npm start` and the tests record them all)
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackInfo } from '../stack/sidecar.ts';
import { startStack } from '../stack/stack.ts';
import { repoRoot } from '../stack/topology.ts';
import { benchChat, chatStackFrom } from './chat/chat-run.ts';
import { appendHistory, chartFile, runContext } from './chat/history.ts';
import { benchMedia, mediaStackFrom } from './chat/media-run.ts';
import { planPopulation } from './chat/population.ts';
import { benchRelay } from './chat/relay-run.ts';
import { benchReport, headlineLimitsMs, type Relays } from './chat/report.ts';
import { type MediaSettings, readSettings } from './chat/settings.ts';
import { renderChart } from './chat/svg.ts';

const settings = readSettings();
const runTag = `b${randomBytes(3).toString('hex')}`;
const started = Date.now();
const progress = (message: string) =>
  console.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s ${message}`);

/** Runs `work` on a fresh stack of `apps` (ports +4000, run dir .run/<name>), stopped after. */
async function onOwnStack<T>(name: string, apps: string[], work: (info: StackInfo) => Promise<T>): Promise<T> {
  const runDir = path.join(repoRoot, '.run', name);
  rmSync(runDir, { recursive: true, force: true });
  const stack = await startStack({
    runDir,
    portOffset: 4000,
    onlyApps: apps,
    traceSampleRatio: settings.traceSampleRatio,
    progress: (m) => progress(`[stack] ${m}`),
  });
  const stopOnSignal = () => void stack.stop().then(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    return await work(stack.info);
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await stack.stop();
  }
}

const chatOnOwnStack = () =>
  onOwnStack('bench', ['user', 'profile', 'chat'], (info) =>
    benchChat(chatStackFrom(info), settings, runTag, progress),
  );

const mediaOnOwnStack = (media: MediaSettings) =>
  onOwnStack('bench-media', ['user', 'profile', 'media'], (info) => benchMedia(mediaStackFrom(info), media, progress));

function record(report: ReturnType<typeof benchReport>, line: string): void {
  appendHistory(line);
  const point = (s: { offered: number; deliverMs: { p99: number | null } }) => ({
    offered: s.offered,
    p99Ms: s.deliverMs.p99,
  });
  const series = [{ name: 'SoulChat', color: '#2563eb', points: report.steps.map(point) }];
  if (report.bareRelay)
    series.push({ name: 'bare relay', color: '#9ca3af', points: report.bareRelay.steps.map(point) });
  if (report.relayViaEnvoy)
    series.push({ name: 'relay via Envoy', color: '#d97706', points: report.relayViaEnvoy.steps.map(point) });
  const { date, commit, machine } = runContext();
  const caption = `${date.slice(0, 10)}, ${commit}, ${machine.cores} cores ${machine.cpuModel}; ${settings.population.users} users, both on one machine`;
  writeFileSync(chartFile, renderChart(series, settings.steps.rates, Object.values(headlineLimitsMs), caption));
}

if (settings.mediaOnly) {
  if (!settings.media) throw new Error('BENCH_MEDIA_ONLY=1 needs BENCH_MEDIA=1');
  const media = await mediaOnOwnStack(settings.media);
  console.log(JSON.stringify({ bench: 'chat-media', ...runContext(), settings: settings.media, media }));
  process.exit(0);
}
const plan = planPopulation(settings.population);
const relays: Relays | undefined = settings.withRelay
  ? {
      bare: await benchRelay(settings, plan, `${runTag}r`, progress),
      viaIngress: await benchRelay(settings, plan, `${runTag}e`, progress, true),
    }
  : undefined;
const chat = await chatOnOwnStack();
const media = settings.media ? await mediaOnOwnStack(settings.media) : undefined;
const { bench, ...figures } = benchReport(settings, chat, relays, media);
const report = { bench, ...runContext(), ...figures };
const line = JSON.stringify(report);
if (settings.record) record(report, line);
console.log(line);
process.exit(0);
