/** Messages between the main thread and the load workers (tools/bench/chat/worker.ts). */

/** One device as a worker connects it: where, with what, and the frame that makes it live. */
export interface DeviceSpec {
  index: number;
  url: string;
  headers: Record<string, string>;
  localAddress?: string;
  /** Sent after the server's `ready`; the device is live once `synced` comes back. */
  hello: string;
}

/** Per message of a step (by index), written by the main thread before the step. */
export interface StepBuffers {
  scheduledAt: SharedArrayBuffer;
  senderDevice: SharedArrayBuffer;
  conversation: SharedArrayBuffer;
  /** Recipient devices that got it (workers add with Atomics). */
  delivered: SharedArrayBuffer;
  /** The seq of its ack, -1 until acked. */
  ackSeq: SharedArrayBuffer;
}

export interface WorkerStep {
  tag: string;
  buffers: StepBuffers;
  /** This worker's sends (their senders are its devices), in time order. */
  sends: Int32Array;
  measuredFrom: number;
  windowStart: number;
  windowEnd: number;
  content: string;
}

export interface ClosedDevice {
  device: number;
  code: number;
}

export interface WorkerStepResult {
  ack: Uint32Array;
  deliver: Uint32Array;
  lag: Uint32Array;
  acksInWindow: number;
  deliveriesInWindow: number;
  /** Sends whose socket had closed. */
  skipped: number;
  errors: Record<string, number>;
  closed: ClosedDevice[];
}

export type ToWorker =
  | { type: 'init'; conversations: string[] }
  | { type: 'connect'; devices: DeviceSpec[]; perSecond: number }
  | { type: 'step'; step: WorkerStep }
  | { type: 'finish' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'connected'; failed: Array<{ device: number; reason: string }> }
  | { type: 'finished'; result: WorkerStepResult }
  | { type: 'closed' };
