/**
 * Who talks to whom: the shape of the benchmark's population, decided from the settings and the
 * seed alone (no I/O), so chat and the bare relay get the same users, conversations and devices.
 */
import { type Random, randomIndex, sample, seededRandom } from './rng.ts';
import type { PopulationSettings } from './settings.ts';

export type ConversationKind = 'direct' | 'small' | 'large';

export interface PlannedConversation {
  kind: ConversationKind;
  /** User indices; the first one creates the conversation (and owns a group). */
  members: number[];
}

export interface PopulationPlan {
  users: number;
  devicesPerUser: number;
  /** Per user: are their devices connected during the steps (the rest catch up by sync)? */
  online: boolean[];
  conversations: PlannedConversation[];
}

export const devicesOf = (plan: PopulationPlan, user: number) =>
  Array.from({ length: plan.devicesPerUser }, (_, d) => user * plan.devicesPerUser + d);

export const userOfDevice = (plan: PopulationPlan, device: number) => Math.floor(device / plan.devicesPerUser);

export const deviceCount = (plan: PopulationPlan) => plan.users * plan.devicesPerUser;

function directPairs(random: Random, users: number, wanted: number): PlannedConversation[] {
  const possible = (users * (users - 1)) / 2;
  const seen = new Set<string>();
  const pairs: PlannedConversation[] = [];
  while (pairs.length < Math.min(wanted, possible)) {
    const a = randomIndex(random, users);
    const b = randomIndex(random, users);
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (a === b || seen.has(key)) continue;
    seen.add(key);
    pairs.push({ kind: 'direct', members: [a, b] });
  }
  return pairs;
}

function groups(random: Random, users: number, kind: ConversationKind, count: number, size: number) {
  return Array.from({ length: count }, () => ({ kind, members: sample(random, users, size) }));
}

export function planPopulation(settings: PopulationSettings): PopulationPlan {
  const random = seededRandom(settings.seed);
  const onlineUsers = new Set(sample(random, settings.users, Math.round(settings.users * settings.onlineFraction)));
  return {
    users: settings.users,
    devicesPerUser: settings.devicesPerUser,
    online: Array.from({ length: settings.users }, (_, u) => onlineUsers.has(u)),
    conversations: [
      ...directPairs(random, settings.users, Math.round((settings.users * settings.directPerUser) / 2)),
      ...groups(random, settings.users, 'small', settings.smallGroups, settings.smallGroupSize),
      ...groups(random, settings.users, 'large', settings.largeGroups, settings.largeGroupSize),
    ],
  };
}

/** Per user, the indices of the conversations they are in. */
export function conversationsByUser(plan: PopulationPlan): number[][] {
  const byUser = Array.from({ length: plan.users }, (): number[] => []);
  plan.conversations.forEach((c, index) => {
    for (const member of c.members) byUser[member]?.push(index);
  });
  return byUser;
}

/** The devices of online users: connected during the steps. */
export const onlineDevices = (plan: PopulationPlan) =>
  plan.online.flatMap((on, user) => (on ? devicesOf(plan, user) : []));

/** The devices of offline users: they only ever connect to catch up. */
export const offlineDevices = (plan: PopulationPlan) =>
  plan.online.flatMap((on, user) => (on ? [] : devicesOf(plan, user)));
