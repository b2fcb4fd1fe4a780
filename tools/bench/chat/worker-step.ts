/**
 * One step inside a load worker: sends its share of the schedule on time and times what comes
 * back. The per-frame work is a few byte scans and counter updates (see frames.ts).
 */
import type WebSocket from 'ws';
import { now } from './clock.ts';
import { ackedSeq, messageIndex } from './frames.ts';
import { Histogram } from './histogram.ts';
import type { ClosedDevice, WorkerStep, WorkerStepResult } from './protocol.ts';

export class WorkerStepRun {
  readonly ack = new Histogram();
  readonly deliver = new Histogram();
  /** How late each send left against its plan: the generator's own lag. */
  readonly lag = new Histogram();
  private readonly tag: Buffer;
  private readonly scheduledAt: Float64Array;
  private readonly senderDevice: Int32Array;
  private readonly conversation: Int32Array;
  private readonly delivered: Int32Array;
  private readonly ackSeq: Int32Array;
  private readonly errors: Record<string, number> = {};
  private acksInWindow = 0;
  private deliveriesInWindow = 0;
  private skipped = 0;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly step: WorkerStep,
    private readonly sockets: Map<number, WebSocket>,
    private readonly conversationIds: string[],
  ) {
    this.tag = Buffer.from(step.tag);
    this.scheduledAt = new Float64Array(step.buffers.scheduledAt);
    this.senderDevice = new Int32Array(step.buffers.senderDevice);
    this.conversation = new Int32Array(step.buffers.conversation);
    this.delivered = new Int32Array(step.buffers.delivered);
    this.ackSeq = new Int32Array(step.buffers.ackSeq);
  }

  start(): void {
    this.pump();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private readonly pump = (): void => {
    const sends = this.step.sends;
    const t = now();
    while (this.next < sends.length) {
      const index = sends[this.next] ?? 0;
      const at = this.scheduledAt[index] ?? 0;
      if (at > t) {
        this.timer = setTimeout(this.pump, at - t);
        return;
      }
      this.send(index);
      this.lag.record(t - at);
      this.next++;
    }
  };

  private send(index: number): void {
    const ws = this.sockets.get(this.senderDevice[index] ?? -1);
    if (!ws || ws.readyState !== ws.OPEN) {
      this.skipped++;
      return;
    }
    const conversationId = this.conversationIds[this.conversation[index] ?? 0];
    ws.send(
      `{"v":1,"type":"send","conversationId":"${conversationId}","clientMsgId":"${this.step.tag}-${index}","content":"${this.step.content}"}`,
    );
  }

  private inWindow(t: number): boolean {
    return t >= this.step.windowStart && t < this.step.windowEnd;
  }

  /** The index of one of this step's messages, or -1. */
  private indexOf(frame: Buffer): number {
    const index = messageIndex(frame, this.tag);
    return index < this.senderDevice.length ? index : -1;
  }

  onMessage(device: number, frame: Buffer): void {
    const index = this.indexOf(frame);
    // Chat echoes a message to the device that sent it too: that is not a delivery to anyone.
    if (index < 0 || this.senderDevice[index] === device) return;
    const t = now();
    Atomics.add(this.delivered, index, 1);
    if (index >= this.step.measuredFrom) this.deliver.record(t - (this.scheduledAt[index] ?? t));
    if (this.inWindow(t)) this.deliveriesInWindow++;
  }

  onAck(frame: Buffer): void {
    const index = this.indexOf(frame);
    if (index < 0) return;
    const t = now();
    Atomics.store(this.ackSeq, index, ackedSeq(frame));
    if (index >= this.step.measuredFrom) this.ack.record(t - (this.scheduledAt[index] ?? t));
    if (this.inWindow(t)) this.acksInWindow++;
  }

  onError(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  result(closed: ClosedDevice[]): WorkerStepResult {
    return {
      ack: this.ack.counts,
      deliver: this.deliver.counts,
      lag: this.lag.counts,
      acksInWindow: this.acksInWindow,
      deliveriesInWindow: this.deliveriesInWindow,
      skipped: this.skipped + (this.step.sends.length - this.next),
      errors: this.errors,
      closed,
    };
  }
}
