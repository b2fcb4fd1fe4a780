/**
 * A seeded generator (mulberry32): the same seed gives the same population and schedule, so two
 * runs differ only in the code under test.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomIndex = (random: Random, length: number) => Math.floor(random() * length);

/** `count` distinct values of 0..n-1 (a partial Fisher-Yates shuffle). */
export function sample(random: Random, n: number, count: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const picked: number[] = [];
  for (let i = 0; i < Math.min(count, n); i++) {
    const j = i + randomIndex(random, n - i);
    const chosen = pool[j] ?? 0;
    pool[j] = pool[i] ?? 0;
    pool[i] = chosen;
    picked.push(chosen);
  }
  return picked;
}
