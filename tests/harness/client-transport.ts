/**
 * `@soulchat/client` over a chosen source address (127.0.0.x): each test file is then its own
 * client for the ingress's per-address rate limits, while still talking to 127.0.0.1.
 */
import http from 'node:http';
import type { WebSocketConstructor } from '@soulchat/client';
import WebSocket from 'ws';

/** A fetch for the client's Session: node:http underneath, so the source address can be set. */
export function fetchFrom(localAddress: string): typeof fetch {
  const send = (input: string | URL | Request, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const body = typeof init.body === 'string' ? init.body : undefined;
      const headers = { ...(init.headers as Record<string, string>) };
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const req = http.request(String(input), { method: init.method ?? 'GET', headers, localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            if (typeof value === 'string') responseHeaders.set(name, value);
          const empty = status === 204 || status === 304;
          resolve(
            new Response(empty ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  return send as typeof fetch;
}

/** The `ws` WebSocket, opened from `localAddress`. */
export function webSocketFrom(localAddress: string): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { localAddress });
    }
  } as unknown as WebSocketConstructor;
}

/**
 * The `ws` WebSocket, each connect to the next of `bases` (chat instances, straight): a device
 * whose instance died reconnects to another, as the ingress would send it.
 */
export function rotatingWebSocket(bases: string[]): WebSocketConstructor {
  let next = 0;
  return class extends WebSocket {
    constructor(url: string) {
      const target = new URL(url);
      const base = new URL(bases[next++ % bases.length] ?? url);
      target.protocol = base.protocol.replace(/^http/, 'ws');
      target.host = base.host;
      super(target.toString());
    }
  } as unknown as WebSocketConstructor;
}
