import assert from 'node:assert/strict';
import { test } from 'node:test';
import { devicesOf, planPopulation } from './population.ts';
import { seededRandom } from './rng.ts';
import { buildSchedule } from './schedule.ts';
import { readSettings } from './settings.ts';

const settings = readSettings({ BENCH_USERS: '100' }).population;
const plan = planPopulation(settings);
const connected = new Set(plan.online.flatMap((on, u) => (on ? devicesOf(plan, u) : [])));

test('plans groups of the asked sizes and online users by the fraction', () => {
  assert.equal(plan.online.filter(Boolean).length, 90);
  assert.ok(plan.conversations.filter((c) => c.kind === 'small').every((c) => c.members.length === 20));
  assert.ok(plan.conversations.filter((c) => c.kind === 'large').every((c) => c.members.length === 100));
  assert.equal(plan.conversations.filter((c) => c.kind === 'direct').length, 150);
});

test('sends leave at fixed intervals from connected members, mixed by weight', () => {
  const s = buildSchedule(
    plan,
    connected,
    settings.mix,
    { rate: 200, warmupSeconds: 1, stepSeconds: 9 },
    seededRandom(3),
  );
  assert.equal(s.count, 2000);
  assert.equal(s.measuredFrom, 200);
  assert.equal(s.offsetsMs[10], 50);
  const kinds = { direct: 0, small: 0, large: 0 };
  for (let i = 0; i < s.count; i++) {
    const c = plan.conversations[s.conversation[i] ?? 0];
    assert.ok(c && connected.has(s.senderDevice[i] ?? -1));
    kinds[c.kind]++;
  }
  assert.ok(kinds.direct > 1200 && kinds.direct < 1600, JSON.stringify(kinds));
  assert.ok(kinds.large > 40 && kinds.large < 170, JSON.stringify(kinds));
});

test('expects every connected member device but the sender', () => {
  const s = buildSchedule(
    plan,
    connected,
    { direct: 0, small: 0, large: 1 },
    { rate: 10, warmupSeconds: 0, stepSeconds: 1 },
    seededRandom(1),
  );
  const group = plan.conversations[s.conversation[0] ?? 0];
  const online = group?.members.filter((u) => plan.online[u]).length ?? 0;
  assert.equal(s.expected[0], online * 2 - 1);
});
