/**
 * Idle connections: many authenticated sockets held open on one chat instance, straight to its
 * port (not through Envoy), so the change in that one process's memory is what a socket costs.
 * Tokens are reused (many devices per user), as registering 20,000 users would only time the
 * user service.
 */
import WebSocket from 'ws';
import { now, sleep } from './clock.ts';
import { Histogram } from './histogram.ts';
import { fileDescriptors, rssBytes } from './proc.ts';

export interface IdleConnectionOptions {
  baseUrl: string;
  tokens: string[];
  requested: number;
  chatPid: number;
  addresses: string[];
  settleMs?: number;
  inFlight?: number;
}

export interface IdleConnectionReport {
  target: string;
  requested: number;
  opened: number;
  failed: number;
  /** Why fewer than requested were tried, when they were. */
  limitedBy?: string;
  connectPerSecond: number;
  upgradeP50Ms: number | null;
  upgradeP99Ms: number | null;
  rssBeforeMb: number;
  rssAfterMb: number;
  bytesPerConnection: number;
}

/** Each socket is a file descriptor on both ends: stay under both processes' limits. */
function feasible(requested: number, chatPid: number): { count: number; limitedBy?: string } {
  const reserve = 300;
  const chat = fileDescriptors(chatPid);
  const self = fileDescriptors(process.pid);
  const room = Math.min(chat.limit - chat.open, self.limit - self.open) - reserve;
  if (room >= requested) return { count: requested };
  return {
    count: Math.max(0, room),
    limitedBy: `open files: chat ${chat.open}/${chat.limit}, bench ${self.open}/${self.limit} (ulimit -n; raise ulimit -Hn for more)`,
  };
}

function openOne(url: string, token: string, localAddress: string): Promise<{ ws: WebSocket; ms: number }> {
  const started = now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      localAddress,
      perMessageDeflate: false,
    });
    ws.once('open', () => resolve({ ws, ms: now() - started }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function closeAll(sockets: WebSocket[]): Promise<void> {
  const closed = sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
  for (const ws of sockets) ws.close();
  await Promise.race([Promise.all(closed), sleep(10_000)]);
  for (const ws of sockets) ws.terminate();
}

export async function idleConnections(options: IdleConnectionOptions): Promise<IdleConnectionReport> {
  const { count, limitedBy } = feasible(options.requested, options.chatPid);
  const url = `${options.baseUrl.replace(/^http/, 'ws')}/ws`;
  const upgrade = new Histogram();
  const sockets: WebSocket[] = [];
  let failed = 0;
  let next = 0;
  const rssBefore = rssBytes(options.chatPid);
  const started = now();
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      const token = options.tokens[i % options.tokens.length] ?? '';
      const address = options.addresses[i % options.addresses.length] ?? '127.0.0.1';
      await openOne(url, token, address).then(
        ({ ws, ms }) => {
          ws.on('error', () => {});
          sockets.push(ws);
          upgrade.record(ms);
        },
        () => failed++,
      );
    }
  };
  await Promise.all(Array.from({ length: options.inFlight ?? 100 }, lane));
  const connectSeconds = (now() - started) / 1000;
  // Let the server's per-socket state and the heap settle before reading its memory.
  await sleep(options.settleMs ?? 5000);
  const rssAfter = rssBytes(options.chatPid);
  await closeAll(sockets);
  return {
    target: 'chat-1 direct (its own port, not through Envoy)',
    requested: options.requested,
    opened: sockets.length,
    failed,
    ...(limitedBy ? { limitedBy } : {}),
    connectPerSecond: Math.round(sockets.length / connectSeconds),
    upgradeP50Ms: upgrade.percentile(50),
    upgradeP99Ms: upgrade.percentile(99),
    rssBeforeMb: Math.round(rssBefore / 2 ** 20),
    rssAfterMb: Math.round(rssAfter / 2 ** 20),
    bytesPerConnection: sockets.length > 0 ? Math.round((rssAfter - rssBefore) / sockets.length) : 0,
  };
}
