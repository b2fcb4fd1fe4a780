/**
 * Where each device connects and how it starts, for chat (through the Envoy ingress, with the
 * user's token) and for the bare relay (straight, user named in the URL).
 */
import type { Account } from './accounts.ts';
import { conversationsByUser, type PopulationPlan, userOfDevice } from './population.ts';
import type { DeviceSpec } from './protocol.ts';

/**
 * Source addresses for client sockets. Envoy's per-client-address token bucket limits upgrades
 * (`standard`: 200, then 100/s) and real clients come from many addresses; 127.0.0.0/8 is all
 * loopback, so each device gets one of these. It also keeps 20,000 sockets clear of the
 * ephemeral port range of a single address.
 */
export function clientAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.${100 + i}`);
}

// Chat holds live messages for a second after a connect unless the client syncs: an empty sync
// opens the gate at once, as an app does after connecting.
const emptySync = JSON.stringify({ v: 1, type: 'sync', cursors: {} });

export function chatDevices(
  plan: PopulationPlan,
  accounts: Account[],
  devices: number[],
  baseUrl: string,
  addresses: string[],
): DeviceSpec[] {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws`;
  return devices.map((index) => ({
    index,
    url,
    headers: { authorization: `Bearer ${accounts[userOfDevice(plan, index)]?.token ?? ''}` },
    localAddress: addresses[index % addresses.length] ?? '127.0.0.1',
    hello: emptySync,
  }));
}

export function relayDevices(
  plan: PopulationPlan,
  conversationIds: string[],
  devices: number[],
  port: number,
  addresses: string[],
): DeviceSpec[] {
  const byUser = conversationsByUser(plan);
  return devices.map((index) => {
    const user = userOfDevice(plan, index);
    return {
      index,
      url: `ws://127.0.0.1:${port}/?user=u${user}`,
      headers: {},
      localAddress: addresses[index % addresses.length] ?? '127.0.0.1',
      hello: JSON.stringify({ type: 'join', conversationIds: (byUser[user] ?? []).map((c) => conversationIds[c]) }),
    };
  });
}
