/**
 * An Envoy in front of the bare relay: the ceiling with the one hop every SoulChat client pays
 * (clients reach chat only through the ingress). Nothing but the WebSocket proxying: no auth,
 * no access log, no rate limit, so what it adds over the bare relay is the proxy's own cost.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { locateToolchain } from '../../stack/toolchain.ts';
import { waitForHttp } from '../../stack/wait.ts';
import { childServer, type Relay } from './relay.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

const unlimited = { max_connections: 1e6, max_pending_requests: 1e6, max_requests: 1e6 };

/** The smallest config that proxies WebSockets, with the ingress's buffer limit. */
function relayEnvoyConfig(port: number, adminPort: number, relayPort: number): object {
  const router = { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' };
  const manager = {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    stat_prefix: 'relay',
    upgrade_configs: [{ upgrade_type: 'websocket' }],
    route_config: {
      virtual_hosts: [
        {
          name: 'relay',
          domains: ['*'],
          routes: [{ match: { prefix: '/' }, route: { cluster: 'relay', timeout: '0s', idle_timeout: '0s' } }],
        },
      ],
    },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: router }],
  };
  const endpoint = { address: { socket_address: { address: '127.0.0.1', port_value: relayPort } } };
  return {
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } },
    static_resources: {
      listeners: [
        {
          name: 'relay',
          address: { socket_address: { address: '127.0.0.1', port_value: port } },
          per_connection_buffer_limit_bytes: 65536,
          filter_chains: [
            { filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: manager }] },
          ],
        },
      ],
      clusters: [
        {
          name: 'relay',
          type: 'STATIC',
          connect_timeout: '1s',
          per_connection_buffer_limit_bytes: 65536,
          // Envoy's default allows 1,024 upstream connections; every device holds one.
          circuit_breakers: { thresholds: [unlimited] },
          load_assignment: { cluster_name: 'relay', endpoints: [{ lb_endpoints: [{ endpoint }] }] },
        },
      ],
    },
  };
}

export async function startRelayIngress(relayPort: number, runDir: string): Promise<Relay> {
  const [port, adminPort] = [await freePort(), await freePort()];
  mkdirSync(runDir, { recursive: true });
  const configFile = path.join(runDir, 'relay-envoy.json');
  writeFileSync(configFile, JSON.stringify(relayEnvoyConfig(port, adminPort, relayPort)));
  const child = spawn(locateToolchain().envoyBin, ['-c', configFile, '--log-level', 'error', '--disable-hot-restart'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const server = childServer(child, port);
  await waitForHttp('relay envoy', `http://127.0.0.1:${adminPort}/ready`, { timeoutMs: 30_000 });
  return server;
}
