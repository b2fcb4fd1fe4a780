/**
 * Offline devices catching up: after a step, a few devices of users who were offline connect
 * through the ingress, sync from their last cursor (0 the first time) and must receive every
 * message acked in their conversations since. Not timed: it checks that nothing was lost.
 */
import WebSocket from 'ws';
import type { Account } from './accounts.ts';
import type { StepRun } from './generator.ts';

/** Every acked seq per conversation (by plan index), over all steps so far. */
export class AckLedger {
  private readonly seqs = new Map<number, number[]>();

  record(acks: StepRun['acks']): void {
    acks.seq.forEach((seq, i) => {
      if (seq < 0) return;
      const conversation = acks.conversation[i] ?? 0;
      const list = this.seqs.get(conversation) ?? [];
      list.push(seq);
      this.seqs.set(conversation, list);
    });
  }

  ackedAfter(conversation: number, cursor: number): number[] {
    return (this.seqs.get(conversation) ?? []).filter((s) => s > cursor);
  }
}

export interface OfflineDevice {
  device: number;
  account: Account;
  /** Conversation (plan index) -> last seq held. */
  cursors: Map<number, number>;
}

export interface SyncReport {
  devices: number;
  syncedOk: number;
  missingMessages: number;
  messagesReceived: number;
  failures: string[];
}

interface Synced {
  received: Map<string, Set<number>>;
  cursors: Record<string, number>;
}

interface ServerFrame {
  type: string;
  message?: { conversationId: string; seq: number };
  cursors?: Record<string, number>;
}

function syncOnce(url: string, token: string, localAddress: string, cursors: Record<string, number>): Promise<Synced> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      localAddress,
      perMessageDeflate: false,
    });
    const received = new Map<string, Set<number>>();
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(ws.readyState === ws.OPEN ? 'no synced frame within 30 s' : 'no upgrade within 30 s'));
    }, 30_000);
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`upgrade refused: ${res.statusCode}`));
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.type === 'ready') ws.send(JSON.stringify({ v: 1, type: 'sync', cursors }));
      if (frame.type === 'message' && frame.message) {
        const set = received.get(frame.message.conversationId) ?? new Set();
        set.add(frame.message.seq);
        received.set(frame.message.conversationId, set);
      }
      if (frame.type !== 'synced') return;
      clearTimeout(timer);
      ws.close();
      resolve({ received, cursors: frame.cursors ?? {} });
    });
  });
}

export interface SyncContext {
  baseUrl: string;
  conversationIds: string[];
  conversationsOf: (device: number) => number[];
  ledger: AckLedger;
  addresses: string[];
}

/** Syncs one device; returns how many acked messages it did not get. */
async function checkDevice(ctx: SyncContext, device: OfflineDevice): Promise<{ missing: number; received: number }> {
  const conversations = ctx.conversationsOf(device.device);
  const cursors = Object.fromEntries(
    conversations.map((c) => [ctx.conversationIds[c] ?? '', device.cursors.get(c) ?? 0]),
  );
  const url = `${ctx.baseUrl.replace(/^http/, 'ws')}/ws`;
  const address = ctx.addresses[device.device % ctx.addresses.length] ?? '127.0.0.1';
  const synced = await syncOnce(url, device.account.token, address, cursors);
  let missing = 0;
  let received = 0;
  for (const c of conversations) {
    const id = ctx.conversationIds[c] ?? '';
    const got = synced.received.get(id) ?? new Set<number>();
    received += got.size;
    missing += ctx.ledger.ackedAfter(c, device.cursors.get(c) ?? 0).filter((s) => !got.has(s)).length;
    device.cursors.set(c, synced.cursors[id] ?? device.cursors.get(c) ?? 0);
  }
  return { missing, received };
}

/** All at once, as devices coming back online do. */
export async function syncOffline(ctx: SyncContext, devices: OfflineDevice[]): Promise<SyncReport> {
  const report: SyncReport = {
    devices: devices.length,
    syncedOk: 0,
    missingMessages: 0,
    messagesReceived: 0,
    failures: [],
  };
  const outcomes = await Promise.allSettled(devices.map((device) => checkDevice(ctx, device)));
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'rejected') {
      report.failures.push(`device ${devices[i]?.device}: ${(outcome.reason as Error).message}`);
      return;
    }
    report.messagesReceived += outcome.value.received;
    report.missingMessages += outcome.value.missing;
    if (outcome.value.missing === 0) report.syncedOk++;
  });
  return report;
}
