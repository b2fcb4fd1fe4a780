/**
 * The media phase: 1 MiB files uploaded through the Envoy ingress at a few concurrency levels,
 * then downloaded by their signed links, with throughput, latency and the CPU the media app,
 * its sidecar and the object store spent. Apart from the chat steps, so neither disturbs the
 * other's figures.
 */
import type { StackInfo } from '../../stack/sidecar.ts';
import { type Account, inParallel, refreshTokens, registerAccounts } from './accounts.ts';
import { CpuMeter } from './cpu.ts';
import { Histogram } from './histogram.ts';
import { type BenchFile, jpegFile, type MediaKind, textFile } from './media-files.ts';
import { stackProcesses } from './proc.ts';
import type { MediaSettings } from './settings.ts';

/** Where the stack under test answers (it must run user, media and the ingress). */
export interface MediaStack {
  runDir: string;
  userUrl: string;
  ingressUrl: string;
}

export interface TransferFigures {
  count: number;
  errors: number;
  /** The first few failures, as `status: message`. */
  firstErrors: string[];
  /** Bytes of the successful transfers over the batch's wall time, in MB (10^6 bytes) per second. */
  megabytesPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** CPU seconds during the batch, by process. */
  cpuSeconds: { mediaApp: number; mediaSidecar: number; objectStore: number };
}

export interface MediaLevel {
  kind: MediaKind;
  concurrency: number;
  fileBytes: number;
  upload: TransferFigures;
  download: TransferFigures;
}

export interface MediaRun {
  path: string;
  levels: MediaLevel[];
}

interface Outcome {
  ms: number;
  bytes: number;
  error?: string;
  link?: string;
}

/** Per-user upload limit is 30 a minute (services/media config): no account uploads more than this. */
const uploadsPerAccount = 25;

const mediaProcesses = { mediaApp: 'media-app', mediaSidecar: 'media-daprd', objectStore: 's3proxy' } as const;

async function uploadOne(edge: string, token: string, file: BenchFile): Promise<Outcome> {
  const started = performance.now();
  const res = await fetch(`${edge}/media?${new URLSearchParams({ name: file.name })}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: file.bytes,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 201) return { ms, bytes: 0, error: `${res.status}: ${text.slice(0, 200)}` };
  const body = JSON.parse(text) as { links: { original: string } };
  return { ms, bytes: file.bytes.length, link: body.links.original };
}

async function downloadOne(edge: string, link: string): Promise<Outcome> {
  const started = performance.now();
  const res = await fetch(`${edge}${link}`, { signal: AbortSignal.timeout(60_000) });
  const bytes = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  if (res.status !== 200) return { ms, bytes: 0, error: `${res.status}: ${bytes.toString().slice(0, 200)}` };
  const expected = Number(res.headers.get('content-length') ?? bytes.length);
  if (bytes.length !== expected) return { ms, bytes: 0, error: `200: ${bytes.length} of ${expected} bytes` };
  return { ms, bytes: bytes.length };
}

/** Runs the transfers `concurrency` at a time, measuring the batch's wall time and the media CPU. */
async function batch(
  runDir: string,
  count: number,
  concurrency: number,
  transfer: (i: number) => Promise<Outcome>,
): Promise<{ figures: TransferFigures; outcomes: Outcome[] }> {
  const meter = new CpuMeter(() =>
    stackProcesses(runDir).filter((p) => (Object.values(mediaProcesses) as string[]).includes(p.name)),
  );
  const latency = new Histogram();
  meter.start();
  const started = performance.now();
  const outcomes = await inParallel(Array.from({ length: count }), concurrency, (_, i) =>
    transfer(i).catch((err: Error): Outcome => ({ ms: 0, bytes: 0, error: `no answer: ${err.message}` })),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  meter.stop();
  for (const o of outcomes) if (!o.error) latency.record(o.ms);
  const failed = outcomes.flatMap((o) => (o.error ? [o.error] : []));
  const busiest = meter.usage?.busiest ?? [];
  const cpu = (name: string) => busiest.find((b) => b.name === name)?.seconds ?? 0;
  const bytes = outcomes.reduce((sum, o) => sum + o.bytes, 0);
  return {
    outcomes,
    figures: {
      count,
      errors: failed.length,
      firstErrors: failed.slice(0, 3),
      megabytesPerSecond: Number((bytes / 1e6 / wallSeconds).toFixed(2)),
      p50Ms: latency.percentile(50),
      p99Ms: latency.percentile(99),
      cpuSeconds: {
        mediaApp: cpu(mediaProcesses.mediaApp),
        mediaSidecar: cpu(mediaProcesses.mediaSidecar),
        objectStore: cpu(mediaProcesses.objectStore),
      },
    },
  };
}

export function describeTransfer(label: string, f: TransferFigures): string {
  const cpu = f.cpuSeconds;
  return (
    `[media] ${label}: ${f.count - f.errors} ok, ${f.errors} errors, ${f.megabytesPerSecond} MB/s, ` +
    `p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms; CPU s: media app ${cpu.mediaApp}, its sidecar ${cpu.mediaSidecar}, ` +
    `object store ${cpu.objectStore}${f.firstErrors[0] ? ` (first error ${f.firstErrors[0]})` : ''}`
  );
}

async function level(
  stack: MediaStack,
  file: BenchFile,
  concurrency: number,
  uploads: number,
  nextAccount: () => Account,
  progress: (m: string) => void,
): Promise<MediaLevel> {
  const owners = Array.from({ length: uploads }, nextAccount);
  const up = await batch(stack.runDir, uploads, concurrency, (i) =>
    uploadOne(stack.ingressUrl, owners[i]?.token ?? '', file),
  );
  progress(describeTransfer(`${file.kind} x${concurrency} upload`, up.figures));
  const links = up.outcomes.flatMap((o) => (o.link ? [o.link] : []));
  const down = await batch(stack.runDir, links.length, concurrency, (i) =>
    downloadOne(stack.ingressUrl, links[i] ?? ''),
  );
  progress(describeTransfer(`${file.kind} x${concurrency} download`, down.figures));
  return { kind: file.kind, concurrency, fileBytes: file.bytes.length, upload: up.figures, download: down.figures };
}

export async function benchMedia(
  stack: MediaStack,
  settings: MediaSettings,
  progress: (m: string) => void,
): Promise<MediaRun> {
  const files = [textFile(settings.fileBytes), await jpegFile(settings.fileBytes)];
  const total = files.length * settings.concurrency.length * settings.uploads;
  const accounts = await registerAccounts(stack.userUrl, Math.ceil(total / uploadsPerAccount), progress);
  let turn = 0;
  const nextAccount = () => accounts[turn++ % accounts.length] as Account;
  const levels: MediaLevel[] = [];
  for (const file of files) {
    for (const concurrency of settings.concurrency) {
      await refreshTokens(stack.userUrl, accounts);
      progress(
        `[media] ${settings.uploads} ${file.kind} files of ${file.bytes.length} bytes, ${concurrency} at a time`,
      );
      levels.push(await level(stack, file, concurrency, settings.uploads, nextAccount, progress));
    }
  }
  return {
    path: 'client -> Envoy ingress -> its daprd -> media (type check, images re-encoded) -> media daprd -> object store',
    levels,
  };
}

/** The addresses of a stack from its stack-info.json (the CLI's own stack or the shared one). */
export function mediaStackFrom(info: StackInfo): MediaStack {
  const user = info.apps.find((a) => a.instance === 'user');
  const media = info.apps.find((a) => a.instance === 'media');
  if (!user || !media || !info.ingress) throw new Error('the stack must run user, media and the ingress');
  return { runDir: info.runDir, userUrl: `http://127.0.0.1:${user.port}`, ingressUrl: info.ingress.url };
}
