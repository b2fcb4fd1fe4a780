/**
 * A load worker thread: holds a share of the devices' sockets, sends on schedule and times what
 * arrives (worker-step.ts). Two of them keep one thread's frame parsing from capping the load.
 */
import { parentPort } from 'node:worker_threads';
import WebSocket from 'ws';
import { sleep } from './clock.ts';
import { leading, typeInitial, typeName } from './frames.ts';
import type { ClosedDevice, DeviceSpec, FromWorker, ToWorker } from './protocol.ts';
import { WorkerStepRun } from './worker-step.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread of the chat benchmark');

const sockets = new Map<number, WebSocket>();
let closedSinceStep: ClosedDevice[] = [];
let conversationIds: string[] = [];
let run: WorkerStepRun | undefined;

const reply = (message: FromWorker) => port.postMessage(message);

function errorCode(frame: Buffer): string {
  try {
    return (JSON.parse(frame.toString()) as { code?: string }).code ?? 'UNKNOWN';
  } catch {
    return 'BAD_FRAME';
  }
}

function onLiveFrame(device: number, frame: Buffer): void {
  const initial = typeInitial(frame);
  if (initial === leading.message) run?.onMessage(device, frame);
  else if (initial === leading.ack) run?.onAck(frame);
  else if (initial === leading.error) run?.onError(errorCode(frame));
}

/** Upgrade, wait for `ready`, say hello, wait for `synced`: then the device gets live messages. */
function openDevice(spec: DeviceSpec, timeoutMs = 30_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.url, {
      headers: spec.headers,
      perMessageDeflate: false,
      // The frames are ours to read, not to police: this check is per-byte work on every frame.
      skipUTF8Validation: true,
      ...(spec.localAddress ? { localAddress: spec.localAddress } : {}),
    });
    const fail = (err: Error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error('no synced frame within 30 s')), timeoutMs);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', fail);
    const starting = (data: Buffer) => {
      const name = typeName(data);
      if (name === 'ready') ws.send(spec.hello);
      if (name !== 'synced') return;
      clearTimeout(timer);
      ws.off('message', starting);
      ws.off('error', fail);
      resolve(ws);
    };
    ws.on('message', starting);
  });
}

function adopt(device: number, ws: WebSocket): void {
  sockets.set(device, ws);
  ws.on('message', (data) => onLiveFrame(device, data as Buffer));
  ws.on('error', () => {});
  ws.on('close', (code) => {
    // Sockets we close ourselves are gone from the map first: only the server's closes count.
    if (sockets.get(device) !== ws) return;
    sockets.delete(device);
    closedSinceStep.push({ device, code });
  });
}

/** Paced: the ingress limits upgrades per client address, and a burst would only measure that. */
async function connect(devices: DeviceSpec[], perSecond: number): Promise<void> {
  const failed: Array<{ device: number; reason: string }> = [];
  const opening: Promise<void>[] = [];
  for (const spec of devices) {
    opening.push(
      openDevice(spec).then(
        (ws) => adopt(spec.index, ws),
        (err: Error) => {
          failed.push({ device: spec.index, reason: err.message });
        },
      ),
    );
    await sleep(1000 / perSecond);
  }
  await Promise.all(opening);
  reply({ type: 'connected', failed });
}

async function closeAll(): Promise<void> {
  const open = [...sockets.values()];
  sockets.clear();
  await Promise.all(
    open.map(
      (ws) =>
        new Promise<void>((resolve) => {
          const cut = setTimeout(() => {
            ws.terminate();
            resolve();
          }, 3000);
          ws.once('close', () => {
            clearTimeout(cut);
            resolve();
          });
          ws.close();
        }),
    ),
  );
  closedSinceStep = [];
  reply({ type: 'closed' });
}

function finish(): void {
  run?.stop();
  const result = run?.result(closedSinceStep);
  run = undefined;
  closedSinceStep = [];
  if (result) reply({ type: 'finished', result });
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'init':
      conversationIds = message.conversations;
      return;
    case 'connect':
      void connect(message.devices, message.perSecond);
      return;
    case 'step':
      run = new WorkerStepRun(message.step, sockets, conversationIds);
      run.start();
      return;
    case 'finish':
      finish();
      return;
    case 'close':
      void closeAll();
      return;
  }
});
reply({ type: 'ready' });
