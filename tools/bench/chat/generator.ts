/**
 * The load generator's main-thread side: it spreads devices over worker threads (worker.ts),
 * lays a step's schedule into shared memory, lets the workers send and time, waits out the
 * drain and adds up their counters.
 */
import { Worker } from 'node:worker_threads';
import { now, sleep } from './clock.ts';
import { type RawStep, type StepOutcome, summarise } from './outcome.ts';
import type { DeviceSpec, FromWorker, StepBuffers, ToWorker, WorkerStepResult } from './protocol.ts';
import type { Schedule } from './schedule.ts';

type Reply<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

class WorkerHandle {
  private readonly waiting = new Map<string, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromWorker) => {
      this.waiting.get(message.type)?.resolve(message);
      this.waiting.delete(message.type);
    });
    worker.on('error', (err) => {
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    });
  }

  /** Workers run TypeScript: the eval'd bootstrap registers tsx in the thread, then loads it. */
  static async start(): Promise<WorkerHandle> {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./worker.ts', import.meta.url).href;
    const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    const handle = new WorkerHandle(new Worker(bootstrap, { eval: true }));
    await handle.next('ready');
    return handle;
  }

  next<T extends FromWorker['type']>(type: T): Promise<Reply<T>> {
    return new Promise((resolve, reject) => {
      this.waiting.set(type, { resolve: (m) => resolve(m as Reply<T>), reject });
    });
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  async ask<T extends FromWorker['type']>(message: ToWorker, answer: T): Promise<Reply<T>> {
    const reply = this.next(answer);
    this.post(message);
    return reply;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export interface ConnectOutcome {
  connected: number[];
  failed: Array<{ device: number; reason: string }>;
}

/** A step's figures, plus each message's conversation and acked seq (what sync must return). */
export type StepRun = StepOutcome & { acks: { conversation: Int32Array; seq: Int32Array } };

export interface StepOptions {
  tag: string;
  content: string;
  drainMs: number;
  /** Called when the measured window opens and closes (CPU and metrics samplers). */
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
}

function stepBuffers(count: number): StepBuffers {
  const shared = (bytesEach: number) => new SharedArrayBuffer(Math.max(1, count) * bytesEach);
  return {
    scheduledAt: shared(8),
    senderDevice: shared(4),
    conversation: shared(4),
    delivered: shared(4),
    ackSeq: shared(4),
  };
}

export class LoadGenerator {
  private constructor(private readonly workers: WorkerHandle[]) {}

  static async start(threads: number, conversationIds: string[]): Promise<LoadGenerator> {
    const workers = await Promise.all(Array.from({ length: threads }, () => WorkerHandle.start()));
    for (const w of workers) w.post({ type: 'init', conversations: conversationIds });
    return new LoadGenerator(workers);
  }

  private workerIndex(device: number): number {
    return device % this.workers.length;
  }

  async connect(devices: DeviceSpec[], perSecond: number): Promise<ConnectOutcome> {
    const replies = await Promise.all(
      this.workers.map((w, k) =>
        w.ask(
          {
            type: 'connect',
            devices: devices.filter((d) => this.workerIndex(d.index) === k),
            perSecond: perSecond / this.workers.length,
          },
          'connected',
        ),
      ),
    );
    const failed = replies.flatMap((r) => r.failed);
    const refused = new Set(failed.map((f) => f.device));
    return { connected: devices.map((d) => d.index).filter((d) => !refused.has(d)), failed };
  }

  async runStep(schedule: Schedule, options: StepOptions): Promise<StepRun> {
    const buffers = stepBuffers(schedule.count);
    const scheduledAt = new Float64Array(buffers.scheduledAt);
    const delivered = new Int32Array(buffers.delivered);
    const ackSeq = new Int32Array(buffers.ackSeq).fill(-1);
    // Time for the workers to take the step before its first send.
    const startAt = now() + 300;
    for (let i = 0; i < schedule.count; i++) scheduledAt[i] = startAt + (schedule.offsetsMs[i] ?? 0);
    new Int32Array(buffers.senderDevice).set(schedule.senderDevice);
    new Int32Array(buffers.conversation).set(schedule.conversation);
    this.postStep(schedule, options, buffers, startAt);
    const timers = [
      setTimeout(() => options.onWindowStart?.(), startAt + schedule.windowStartMs - now()),
      setTimeout(() => options.onWindowEnd?.(), startAt + schedule.windowEndMs - now()),
    ];
    const lastSendAt = scheduledAt[schedule.count - 1] ?? startAt;
    await sleep(lastSendAt - now());
    await drained(schedule, delivered, ackSeq, lastSendAt + options.drainMs);
    // A step shorter than its drain still closes its window before the figures are read.
    await sleep(startAt + schedule.windowEndMs - now());
    for (const t of timers) clearTimeout(t);
    const finishedAt = now();
    const results = await Promise.all(this.workers.map((w) => w.ask({ type: 'finish' }, 'finished')));
    const raw: RawStep = {
      schedule,
      scheduledAt,
      delivered,
      ackSeq,
      finishedAt,
      results: results.map((r): WorkerStepResult => r.result),
    };
    return { ...summarise(raw), acks: { conversation: schedule.conversation, seq: ackSeq } };
  }

  private postStep(schedule: Schedule, options: StepOptions, buffers: StepBuffers, startAt: number): void {
    this.workers.forEach((w, k) => {
      const sends: number[] = [];
      for (let i = 0; i < schedule.count; i++) {
        if (this.workerIndex(schedule.senderDevice[i] ?? 0) === k) sends.push(i);
      }
      w.post({
        type: 'step',
        step: {
          tag: options.tag,
          buffers,
          sends: Int32Array.from(sends),
          measuredFrom: schedule.measuredFrom,
          windowStart: startAt + schedule.windowStartMs,
          windowEnd: startAt + schedule.windowEndMs,
          content: options.content,
        },
      });
    });
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ask({ type: 'close' }, 'closed')));
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Until every message is acked and delivered to every expected device, or the deadline. */
async function drained(schedule: Schedule, delivered: Int32Array, ackSeq: Int32Array, deadline: number) {
  const complete = () => {
    for (let i = 0; i < schedule.count; i++) {
      if (Atomics.load(ackSeq, i) < 0 || Atomics.load(delivered, i) < (schedule.expected[i] ?? 0)) return false;
    }
    return true;
  };
  while (!complete() && now() < deadline) await sleep(100);
}
