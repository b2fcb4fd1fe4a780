import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, type Logger, notFound, type TokenVerifier, unauthorized } from '@soulchat/platform';
import { WebSocketServer } from 'ws';
import type { Config } from '../config.ts';
import { ClientConnection, closeCodes, type FetchRange } from './connection.ts';
import type { Hub } from './hub.ts';

export interface SocketServerDeps {
  config: Config;
  log: Logger;
  hub: Hub;
  verifier: TokenVerifier;
  fetchRange: FetchRange;
  onFrame: (conn: ClientConnection, text: string) => Promise<void>;
  onPresence: (userId: string, online: boolean) => void;
}

/** The access token comes as a bearer header or, for browsers, the access_token query parameter. */
function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7);
  const url = new URL(req.url ?? '/', 'http://localhost');
  return url.searchParams.get('access_token') ?? undefined;
}

/** An upgrade refused with our JSON error model, before any socket exists. */
function refuse(socket: Duplex, err: AppError): void {
  const body = JSON.stringify({ error: { code: err.code, message: err.message } });
  const headers = Object.entries(err.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}\r\ncontent-type: application/json\r\n${headers}` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * WebSocket endpoint at /ws on the app's HTTP server. The token is checked before the upgrade,
 * so a bad one gets a plain 401 and never a socket (and a verifier without keys a 503).
 */
export function attachSocketServer(server: Server, deps: SocketServerDeps) {
  const { config, log, hub } = deps;
  // The hub tracks sockets; no compression (its per-socket zlib state costs far more than it saves on small frames).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.WS_MAX_FRAME_BYTES,
    clientTracking: false,
    perMessageDeflate: false,
  });
  const limits = { sendBufferBytes: config.WS_SEND_BUFFER_BYTES, framesPer10s: config.WS_FRAMES_PER_10S };

  server.on('upgrade', async (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/ws') return refuse(socket, notFound('endpoint'));
    const token = tokenOf(req);
    if (!token) return refuse(socket, unauthorized('missing access token'));
    let userId: string;
    try {
      userId = (await deps.verifier.verify(token)).id;
    } catch (err) {
      // 401 only for a bad token; keys that cannot be fetched now are a 503 (the token may be fine).
      return refuse(socket, err instanceof AppError ? err : unauthorized((err as Error).message));
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new ClientConnection(userId, ws, limits, deps.fetchRange, log);
      hub.add(conn);
      deps.onPresence(userId, true);
      ws.on('pong', () => {
        conn.alive = true;
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return conn.send({ v: 1, type: 'error', code: 'BAD_FRAME', message: 'frames are JSON text' });
        void deps.onFrame(conn, data.toString());
      });
      ws.on('close', () => {
        if (hub.remove(conn)) deps.onPresence(userId, false);
      });
      ws.on('error', (err) => log.debug({ err, userId }, 'socket error'));
      conn.send({ v: 1, type: 'ready', userId, instance: config.INSTANCE_NAME });
    });
  });

  // A peer that misses a ping round is gone (a dead network does not close sockets by itself).
  const heartbeat = setInterval(() => {
    for (const conn of hub.all()) {
      // A socket already closing (e.g. a slow reader told 4008) finishes its own handshake.
      if (conn.ws.readyState !== conn.ws.OPEN) continue;
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, config.WS_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    /** Tells every client to reconnect (to another instance) and closes the sockets. */
    async close(): Promise<void> {
      clearInterval(heartbeat);
      for (const conn of hub.all()) conn.ws.close(closeCodes.serviceRestart, 'server restarting: reconnect');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
