/**
 * The ingress's view of chat's WebSocket cluster, read from Envoy's admin stats: a device that
 * cannot connect through the ingress is explained here (e.g. the cluster's circuit breaker,
 * whose default allows 1024 upstream connections, each upgraded socket holding one for life).
 */
export interface WebSocketClusterStats {
  activeConnections: number;
  connectionOverflows: number;
  breakerOpen: boolean;
}

export async function webSocketClusterStats(
  adminUrl: string,
  cluster = 'ws-chat',
): Promise<WebSocketClusterStats | null> {
  try {
    const filter = encodeURIComponent(`^cluster\\.${cluster}\\.`);
    const res = await fetch(`${adminUrl}/stats?filter=${filter}`, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    const stat = (name: string) =>
      Number(new RegExp(`^cluster\\.${cluster}\\.${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    return {
      activeConnections: stat('upstream_cx_active'),
      connectionOverflows: stat('upstream_cx_overflow'),
      breakerOpen:
        stat('circuit_breakers\\.default\\.cx_open') === 1 || stat('circuit_breakers\\.default\\.rq_open') === 1,
    };
  } catch {
    return null;
  }
}
