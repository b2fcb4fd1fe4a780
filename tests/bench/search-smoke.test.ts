/**
 * The search benchmark's parts at a tiny load against the shared test stack, so they cannot
 * rot: the lag probe (real sends, the service's own histogram) and one open-loop query step.
 * No timing is asserted: this machine is shared.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerAccounts } from '../../tools/bench/chat/accounts.ts';
import { stackProcesses } from '../../tools/bench/chat/proc.ts';
import { json } from '../../tools/bench/search/client.ts';
import { measureLag } from '../../tools/bench/search/lag.ts';
import { runStep } from '../../tools/bench/search/steps.ts';
import { appUrl, sharedStack } from '../harness/stack.ts';

test('the search bench measures index lag and answers queries at a tiny load', async () => {
  const info = sharedStack();
  const edge = info.ingress?.url ?? '';
  const [me, friend] = await registerAccounts(appUrl('user'), 2, () => {});
  assert.ok(me && friend, 'two accounts registered');
  const group = await json<{ id: string }>(`${edge}/groups`, {
    body: { name: 'bench smoke', description: '', memberIds: [friend.id] },
    token: me.token,
  });
  const lag = await measureLag(
    { edge, metricsUrl: `${appUrl('search')}/metrics`, token: me.token, groupIds: [group.id] },
    5,
    10,
  );
  assert.equal(lag.events, 5, 'every probe message was indexed and counted');
  assert.ok(lag.p99AtMostMs !== null && lag.meanMs !== null && lag.meanMs > 0, JSON.stringify(lag));

  const step = await runStep(
    { url: `${edge}/search`, headers: { authorization: `Bearer ${me.token}` } },
    5,
    2,
    0,
    16,
    () => stackProcesses(info.runDir),
  );
  assert.equal(step.sent, 10);
  assert.equal(step.ok, step.sent, JSON.stringify(step.errors));
  assert.ok(step.latencyMs.p99 !== null && (step.cpu?.totalPercent ?? 0) > 0, JSON.stringify(step));
});
