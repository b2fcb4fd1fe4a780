/**
 * The benchmark against a running stack: real accounts and conversations, idle CPU, the steps
 * through the Envoy ingress with the offline devices' sync check after each, then idle sockets
 * on one chat instance. The CLI runs it on a stack of its own, the smoke test on the shared one.
 */

import type { StackInfo } from '../../stack/sidecar.ts';
import { type Account, createConversations, refreshTokens, registerAccounts } from './accounts.ts';
import { sleep } from './clock.ts';
import { type IdleConnectionReport, idleConnections } from './connections.ts';
import { CpuMeter, type CpuUsage, type ProcessFinder } from './cpu.ts';
import { type WebSocketClusterStats, webSocketClusterStats } from './envoy-stats.ts';
import { LoadGenerator, type StepRun } from './generator.ts';
import { waitForEmptyOutbox } from './outbox.ts';
import {
  conversationsByUser,
  offlineDevices,
  onlineDevices,
  type PopulationPlan,
  planPopulation,
  userOfDevice,
} from './population.ts';
import { ownProcess, stackProcesses } from './proc.ts';
import type { BenchSettings } from './settings.ts';
import { type StepReport, type SweepTarget, sweep } from './sweep.ts';
import { AckLedger, type OfflineDevice, syncOffline } from './sync-check.ts';
import { chatDevices, clientAddresses } from './targets.ts';

/** Where the stack under test answers. */
export interface ChatStack {
  runDir: string;
  userUrl: string;
  /** Each chat instance's own base URL, chat-1 first. */
  chatUrls: string[];
  ingressUrl: string;
  ingressAdminUrl: string;
}

export interface ChatRun {
  users: number;
  devicesConnected: number;
  connectFailed: number;
  /** The first few reasons. */
  connectFailures: string[];
  /** Envoy's WebSocket cluster once the devices were connected. */
  ingressWebSockets: WebSocketClusterStats | null;
  conversations: Record<string, number>;
  idleCpu: CpuUsage | null;
  steps: StepReport[];
  idleConnections: IdleConnectionReport;
}

interface Population {
  plan: PopulationPlan;
  accounts: Account[];
  conversationIds: string[];
}

async function populate(stack: ChatStack, settings: BenchSettings, progress: (m: string) => void) {
  const plan = planPopulation(settings.population);
  progress(`[bench] registering ${plan.users} users on ${stack.userUrl}`);
  const accounts = await registerAccounts(stack.userUrl, plan.users, progress);
  progress(`[bench] opening ${plan.conversations.length} conversations`);
  const conversationIds = await createConversations(stack.chatUrls, plan, accounts);
  await waitForEmptyOutbox(stack.chatUrls, 60_000);
  return { plan, accounts, conversationIds };
}

export async function measureIdleCpu(find: ProcessFinder, seconds: number): Promise<CpuUsage | null> {
  const meter = new CpuMeter(find);
  meter.start();
  await sleep(seconds * 1000);
  meter.stop();
  return meter.usage ?? null;
}

/** After each step, the next few offline devices (in turn) sync and are checked. */
function syncAfterSteps(stack: ChatStack, settings: BenchSettings, population: Population) {
  const { plan, accounts, conversationIds } = population;
  const byUser = conversationsByUser(plan);
  const ledger = new AckLedger();
  const offline: OfflineDevice[] = offlineDevices(plan).map((device) => ({
    device,
    account: accounts[userOfDevice(plan, device)] as Account,
    cursors: new Map(),
  }));
  let turn = 0;
  const context = {
    baseUrl: stack.ingressUrl,
    conversationIds,
    conversationsOf: (device: number) => byUser[userOfDevice(plan, device)] ?? [],
    ledger,
    addresses: clientAddresses(settings.clientAddresses),
  };
  return async (run: StepRun) => {
    ledger.record(run.acks);
    const count = Math.min(settings.steps.syncDevices, offline.length);
    const chosen = Array.from({ length: count }, () => offline[turn++ % offline.length] as OfflineDevice);
    await refreshTokens(
      stack.userUrl,
      chosen.map((d) => d.account),
    );
    return syncOffline(context, chosen);
  };
}

async function runSteps(
  stack: ChatStack,
  settings: BenchSettings,
  population: Population,
  runTag: string,
  progress: (m: string) => void,
) {
  const { plan, accounts, conversationIds } = population;
  const generator = await LoadGenerator.start(settings.workers, conversationIds);
  try {
    await refreshTokens(stack.userUrl, accounts);
    const specs = chatDevices(
      plan,
      accounts,
      onlineDevices(plan),
      stack.ingressUrl,
      clientAddresses(settings.clientAddresses),
    );
    progress(`[bench] connecting ${specs.length} devices through the ingress at ${settings.connectPerSecond}/s`);
    const { connected, failed } = await generator.connect(specs, settings.connectPerSecond);
    const firstFailure = failed[0] ? ` (first: ${failed[0].reason})` : '';
    progress(`[bench] ${connected.length} devices connected, ${failed.length} failed${firstFailure}`);
    const ingress = await webSocketClusterStats(stack.ingressAdminUrl);
    if (ingress?.breakerOpen) {
      progress(`[bench] Envoy's ws-chat circuit breaker is open at ${ingress.activeConnections} upstream connections`);
    }
    const target: SweepTarget = {
      name: 'soulchat',
      plan,
      mix: settings.population.mix,
      generator,
      connected: new Set(connected),
      processes: () => [...stackProcesses(stack.runDir), ownProcess()],
      metricsUrls: stack.chatUrls,
      afterStep: syncAfterSteps(stack, settings, population),
    };
    const steps = await sweep(target, settings.steps, runTag, progress);
    return {
      steps,
      ingress,
      connected: connected.length,
      failed: failed.map((f) => `device ${f.device}: ${f.reason}`),
    };
  } finally {
    await generator.closeAll();
    await generator.stop();
  }
}

function chatPid(runDir: string): number {
  const chat1 = stackProcesses(runDir).find((p) => p.name === 'chat-1-app');
  if (!chat1) throw new Error(`no chat-1-app among the processes of ${runDir}`);
  return chat1.pid;
}

export async function benchChat(
  stack: ChatStack,
  settings: BenchSettings,
  runTag: string,
  progress: (m: string) => void,
): Promise<ChatRun> {
  const population = await populate(stack, settings, progress);
  progress(`[bench] idle CPU of the stack over ${settings.idleCpuSeconds}s (no traffic, no client sockets)`);
  const idleCpu = await measureIdleCpu(() => stackProcesses(stack.runDir), settings.idleCpuSeconds);
  const run = await runSteps(stack, settings, population, runTag, progress);
  // An overloaded last step leaves a backlog: let it drain before measuring memory per socket.
  await waitForEmptyOutbox(stack.chatUrls, 180_000);
  await sleep(3000);
  const tokenHolders = population.accounts.slice(0, 100);
  await refreshTokens(stack.userUrl, tokenHolders);
  progress(`[bench] ${settings.idleConnections} idle sockets on chat-1`);
  const idle = await idleConnections({
    baseUrl: stack.chatUrls[0] ?? '',
    tokens: tokenHolders.map((a) => a.token),
    requested: settings.idleConnections,
    chatPid: chatPid(stack.runDir),
    addresses: clientAddresses(settings.clientAddresses),
  });
  const kinds = population.plan.conversations.map((c) => c.kind);
  return {
    users: population.plan.users,
    devicesConnected: run.connected,
    connectFailed: run.failed.length,
    connectFailures: run.failed.slice(0, 5),
    ingressWebSockets: run.ingress,
    conversations: Object.fromEntries(
      ['direct', 'small', 'large'].map((k) => [k, kinds.filter((x) => x === k).length]),
    ),
    idleCpu,
    steps: run.steps,
    idleConnections: idle,
  };
}

/** The addresses of a stack from its stack-info.json (the CLI's own stack or the shared one). */
export function chatStackFrom(info: StackInfo): ChatStack {
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const user = info.apps.find((a) => a.instance === 'user');
  const chats = info.apps.filter((a) => a.id === 'chat').sort((a, b) => a.instance.localeCompare(b.instance));
  if (!user || chats.length === 0 || !info.ingress) throw new Error('the stack must run user, chat and the ingress');
  return {
    runDir: info.runDir,
    userUrl: url(user.port),
    chatUrls: chats.map((c) => url(c.port)),
    ingressUrl: info.ingress.url,
    ingressAdminUrl: info.ingress.adminUrl,
  };
}
