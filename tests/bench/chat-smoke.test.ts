/**
 * The chat benchmark at a tiny load against the shared test stack, so its code cannot rot:
 * the same modules as `npm run bench -- chat`, checked for what a benchmark could get wrong
 * (lost or repeated deliveries, offline devices not catching up, figures missing or zero).
 * No timing is asserted: this machine is shared.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchChat, chatStackFrom } from '../../tools/bench/chat/chat-run.ts';
import { benchMedia, type MediaLevel, type MediaRun, mediaStackFrom } from '../../tools/bench/chat/media-run.ts';
import { planPopulation } from '../../tools/bench/chat/population.ts';
import { benchRelay } from '../../tools/bench/chat/relay-run.ts';
import { type BenchReport, benchReport } from '../../tools/bench/chat/report.ts';
import { readSettings } from '../../tools/bench/chat/settings.ts';
import { sharedStack } from '../harness/stack.ts';

const settings = readSettings({
  BENCH_STEPS: '20,20',
  BENCH_STEP_SECONDS: '3',
  BENCH_WARMUP_SECONDS: '1',
  // Correctness, not speed: every acked message must arrive, however slowly.
  BENCH_DRAIN_SECONDS: '60',
  BENCH_STOP_P99_MS: '600000',
  BENCH_USERS: '40',
  BENCH_SYNC_DEVICES: '4',
  BENCH_IDLE: '200',
  BENCH_IDLE_CPU_SECONDS: '3',
  BENCH_RECORD: '0',
  BENCH_MEDIA_UPLOADS: '4',
  BENCH_MEDIA_CONCURRENCY: '1,4',
  BENCH_MEDIA_FILE_BYTES: String(256 * 1024),
});

type Step = BenchReport['steps'][number];

function assertStepDelivered(step: Step, label: string): void {
  assert.ok(step.sent > 0, `${label}: sent nothing`);
  assert.equal(step.acked, step.sent, `${label}: every send is acked (errors ${JSON.stringify(step.errors)})`);
  assert.equal(step.missingDeliveries, 0, `${label}: every acked message reached every connected member device`);
  assert.equal(step.duplicates, 0, `${label}: no device got a message twice`);
  assert.equal(step.disconnects, 0, `${label}: no device was disconnected`);
  assert.ok((step.cpuPercent ?? 0) > 0, `${label}: CPU measured`);
  assert.ok((step.cpuSeconds.loadGenerator ?? 0) > 0, `${label}: the load generator's CPU measured`);
  assert.ok(step.deliverMs.p99 !== null && step.ackMs.p99 !== null, `${label}: latencies measured`);
}

const positive = (n: number | null | undefined) => typeof n === 'number' && Number.isFinite(n) && n > 0;

function assertTransferMeasured(level: MediaLevel, which: 'upload' | 'download'): void {
  const label = `${level.kind} x${level.concurrency} ${which}`;
  const f = level[which];
  assert.equal(f.count, 4, label);
  assert.equal(f.errors, 0, `${label}: ${f.firstErrors.join('; ')}`);
  for (const field of ['megabytesPerSecond', 'p50Ms', 'p99Ms'] as const)
    assert.ok(positive(f[field]), `${label}: ${field}`);
  for (const [name, seconds] of Object.entries(f.cpuSeconds))
    assert.ok(typeof seconds === 'number' && seconds >= 0, `${label}: ${name} CPU`);
}

function assertMediaMeasured(media: MediaRun | null): void {
  assert.ok(media, 'the report has a media part');
  assert.deepEqual(
    media.levels.map((l) => `${l.kind} x${l.concurrency}`),
    ['text x1', 'text x4', 'jpeg x1', 'jpeg x4'],
  );
  for (const level of media.levels) {
    assert.ok(positive(level.fileBytes), 'file size');
    assertTransferMeasured(level, 'upload');
    assertTransferMeasured(level, 'download');
    // A short download may fall within one clock tick; an upload is parsed, checked and encoded.
    assert.ok(positive(level.upload.cpuSeconds.mediaApp), `${level.kind} x${level.concurrency}: media app CPU`);
  }
  const total = (key: 'mediaSidecar' | 'objectStore') =>
    media.levels.reduce((s, l) => s + l.upload.cpuSeconds[key] + l.download.cpuSeconds[key], 0);
  assert.ok(positive(total('mediaSidecar')) && positive(total('objectStore')), 'sidecar and object store CPU');
}

test('the chat benchmark delivers, syncs and reports at a tiny load', async () => {
  const progress = (m: string) => console.log(m);
  const plan = planPopulation(settings.population);
  const relays = {
    bare: await benchRelay(settings, plan, 'smoker', progress),
    viaIngress: await benchRelay(settings, plan, 'smokee', progress, true),
  };
  const chat = await benchChat(chatStackFrom(sharedStack()), settings, `smoke${Date.now().toString(36)}`, progress);
  assert.ok(settings.media, 'the media phase is on by default');
  const media = await benchMedia(mediaStackFrom(sharedStack()), settings.media, progress);
  const report = benchReport(settings, chat, relays, media);
  console.log(JSON.stringify(report));

  assert.equal(report.bench, 'chat');
  for (const headline of [report.sustained, report.at100, report.bareRelay, report.relayViaEnvoy]) {
    assert.equal(typeof headline?.messagesPerSecond, 'number');
    assert.ok(headline && 'p99Ms' in headline);
  }
  assert.equal(report.steps.length, 2);
  report.steps.forEach((step, i) => {
    assertStepDelivered(step, `chat step ${i}`);
    assert.ok((step.cpuSeconds.nodeApps ?? 0) > 0 && (step.cpuSeconds.daprd ?? 0) > 0, 'stack CPU by kind');
    assert.ok((step.syncDevices ?? 0) > 0, 'offline devices synced');
    assert.equal(step.syncedOk, step.syncDevices, 'each offline device got every acked message by sync');
  });
  for (const [i, step] of (report.bareRelay?.steps ?? []).entries()) assertStepDelivered(step, `relay step ${i}`);
  for (const [i, step] of (report.relayViaEnvoy?.steps ?? []).entries()) {
    assertStepDelivered(step, `relay via Envoy step ${i}`);
    assert.ok((step.cpuSeconds.envoy ?? 0) > 0, `relay via Envoy step ${i}: the proxy's CPU measured`);
  }
  assert.ok((report.idleCpuPercent ?? 0) > 0, 'idle CPU measured');
  assert.equal(report.connections.opened, 200);
  assert.equal(typeof report.idleBytesPerConnection, 'number');
  assert.equal(report.population.connectFailed, 0, JSON.stringify(report.population.connectFailures));
  assertMediaMeasured(report.media);
});
