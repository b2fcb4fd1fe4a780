import WebSocket from 'ws';

export interface Frame {
  type: string;
  [key: string]: unknown;
}

/** A test device: a WebSocket to one chat instance that records every frame it receives. */
export interface ChatDevice {
  ws: WebSocket;
  /** The server's `ready` frame (names the instance the socket landed on). */
  ready: Frame;
  frames: Frame[];
  send(frame: Record<string, unknown>): void;
  sendRaw(text: string): void;
  waitFor(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  messages(conversationId: string): Array<{ seq: number; content: string; id: string }>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/**
 * A device on `baseUrl` (a chat instance, or Envoy). The token goes in the Authorization header,
 * or in `?access_token=` as a browser must send it (`tokenInQuery`).
 */
export async function connectDevice(
  baseUrl: string,
  token: string,
  options: { tokenInQuery?: boolean } = {},
): Promise<ChatDevice> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws`;
  const ws = options.tokenInQuery
    ? new WebSocket(`${url}?access_token=${encodeURIComponent(token)}`)
    : new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  const device: Omit<ChatDevice, 'ready'> = {
    ws,
    frames,
    send: (frame) => ws.send(JSON.stringify({ v: 1, ...frame })),
    sendRaw: (text) => ws.send(text),
    waitFor(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching frame within ${timeoutMs}ms; got ${JSON.stringify(frames.slice(-5))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    messages: (conversationId) =>
      frames
        .filter((f) => f.type === 'message')
        .map((f) => f.message as { seq: number; content: string; id: string; conversationId: string })
        .filter((m) => m.conversationId === conversationId),
    closed,
    async close() {
      ws.close();
      // A close handshake the server does not finish must not hang the test: cut it after 2 s.
      const timer = setTimeout(() => ws.terminate(), 2000);
      await closed;
      clearTimeout(timer);
    },
  };
  const ready = await device.waitFor((f) => f.type === 'ready');
  return { ...device, ready };
}

/** The answer to a WebSocket upgrade that is refused: its status and body. */
export function refusedUpgrade(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}
