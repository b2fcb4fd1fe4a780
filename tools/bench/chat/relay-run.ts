/**
 * The ceiling: the same population shape and the same step schedule against the bare relay
 * (tools/bench/relay-server.ts), with the same load generator; with `viaIngress`, through an
 * Envoy that only proxies (relay-ingress.ts): the ceiling of any design behind the ingress.
 */

import path from 'node:path';
import { repoRoot } from '../../stack/topology.ts';
import { LoadGenerator } from './generator.ts';
import { onlineDevices, type PopulationPlan } from './population.ts';
import { ownProcess } from './proc.ts';
import { startRelay } from './relay.ts';
import { startRelayIngress } from './relay-ingress.ts';
import type { BenchSettings } from './settings.ts';
import { type StepReport, sweep } from './sweep.ts';
import { clientAddresses, relayDevices } from './targets.ts';

export interface RelayRun {
  connectFailures: number;
  steps: StepReport[];
}

export async function benchRelay(
  settings: BenchSettings,
  plan: PopulationPlan,
  runTag: string,
  progress: (m: string) => void,
  viaIngress = false,
): Promise<RelayRun> {
  const relay = await startRelay();
  const ingress = viaIngress ? await startRelayIngress(relay.port, path.join(repoRoot, '.run', 'bench-relay')) : null;
  const name = viaIngress ? 'relay via envoy' : 'bare relay';
  const conversationIds = plan.conversations.map((_, i) => `c${i}`);
  const generator = await LoadGenerator.start(settings.workers, conversationIds);
  try {
    const specs = relayDevices(
      plan,
      conversationIds,
      onlineDevices(plan),
      ingress?.port ?? relay.port,
      clientAddresses(settings.clientAddresses),
    );
    // No ingress and no rate limit in front of the relay: connect as fast as it takes them.
    const { connected, failed } = await generator.connect(specs, 2000);
    progress(`[bench] ${name}: ${connected.length} devices connected, ${failed.length} failed`);
    const target = {
      name,
      plan,
      mix: settings.population.mix,
      generator,
      connected: new Set(connected),
      processes: () => [
        { pid: relay.pid, name: 'relay', kind: 'relay' as const },
        ...(ingress ? [{ pid: ingress.pid, name: 'envoy', kind: 'envoy' as const }] : []),
        ownProcess(),
      ],
      metricsUrls: [],
    };
    return { connectFailures: failed.length, steps: await sweep(target, settings.steps, runTag, progress) };
  } finally {
    await generator.closeAll();
    await generator.stop();
    await ingress?.stop();
    await relay.stop();
  }
}
