/**
 * The open-loop schedule of one step: message i leaves at i/rate seconds whatever happened to the
 * ones before it, from a sender device and into a conversation drawn by the mix. Latency is
 * counted from this planned time, so a generator or server falling behind shows in the figures.
 */
import { type ConversationKind, devicesOf, type PopulationPlan } from './population.ts';
import { type Random, randomIndex } from './rng.ts';
import type { MixWeights } from './settings.ts';

export interface Schedule {
  rate: number;
  count: number;
  /** Messages before this index are the warm-up: sent, checked, not measured. */
  measuredFrom: number;
  offsetsMs: Float64Array;
  conversation: Int32Array;
  senderDevice: Int32Array;
  /** Connected devices of the conversation's members, the sending one excepted. */
  expected: Int32Array;
  windowStartMs: number;
  windowEndMs: number;
}

export interface StepShape {
  rate: number;
  warmupSeconds: number;
  stepSeconds: number;
}

/** Per conversation, the member devices connected now. */
export function audiences(plan: PopulationPlan, connected: Set<number>): number[][] {
  return plan.conversations.map((c) => c.members.flatMap((u) => devicesOf(plan, u)).filter((d) => connected.has(d)));
}

function conversationPicker(plan: PopulationPlan, audience: number[][], mix: MixWeights, random: Random) {
  const kinds: ConversationKind[] = ['direct', 'small', 'large'];
  const pools = kinds.map((kind) =>
    plan.conversations.flatMap((c, i) => (c.kind === kind && (audience[i]?.length ?? 0) > 0 ? [i] : [])),
  );
  const weights = kinds.map((kind, k) => ((pools[k]?.length ?? 0) > 0 ? mix[kind] : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) throw new Error('no conversation has a connected member: nothing to send');
  return () => {
    let roll = random() * total;
    let k = 0;
    while (k < weights.length - 1 && roll >= (weights[k] ?? 0)) roll -= weights[k++] ?? 0;
    const pool = pools[k] ?? [];
    return pool[randomIndex(random, pool.length)] ?? 0;
  };
}

export function buildSchedule(
  plan: PopulationPlan,
  connected: Set<number>,
  mix: MixWeights,
  shape: StepShape,
  random: Random,
): Schedule {
  const audience = audiences(plan, connected);
  const pick = conversationPicker(plan, audience, mix, random);
  const count = Math.round(shape.rate * (shape.warmupSeconds + shape.stepSeconds));
  const schedule: Schedule = {
    rate: shape.rate,
    count,
    measuredFrom: Math.round(shape.rate * shape.warmupSeconds),
    offsetsMs: new Float64Array(count),
    conversation: new Int32Array(count),
    senderDevice: new Int32Array(count),
    expected: new Int32Array(count),
    windowStartMs: shape.warmupSeconds * 1000,
    windowEndMs: (shape.warmupSeconds + shape.stepSeconds) * 1000,
  };
  for (let i = 0; i < count; i++) {
    const conversation = pick();
    const devices = audience[conversation] ?? [];
    schedule.offsetsMs[i] = (i * 1000) / shape.rate;
    schedule.conversation[i] = conversation;
    schedule.senderDevice[i] = devices[randomIndex(random, devices.length)] ?? 0;
    schedule.expected[i] = devices.length - 1;
  }
  return schedule;
}
