import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AccessControl, accessControlFor } from '../../tools/stack/access-control.ts';
import { loadTopology } from '../../tools/stack/topology.ts';
import { documents, helmTemplate } from './chart.ts';

const namespace = 'soulchat';
const sorted = (acl: AccessControl) => ({
  ...acl,
  policies: [...acl.policies]
    .map((p) => ({ ...p, operations: [...p.operations].sort((a, b) => a.name.localeCompare(b.name)) }))
    .sort((a, b) => a.appId.localeCompare(b.appId)),
});

// The chart renders each sidecar's access control in Helm (templates/_helpers.tpl); the launcher
// in TypeScript (tools/stack/access-control.ts). Both from stack.json: they must say the same.
test("every deployed app's access control in the chart is the launcher's", () => {
  const r = helmTemplate([]);
  assert.equal(r.status, 0, r.stderr);
  const configurations = documents(r.stdout).filter((d) => d.kind === 'Configuration');
  const topology = loadTopology();
  const seen: string[] = [];
  for (const config of configurations) {
    const appId = String((config.metadata as { name: string }).name).replace(/^soulchat-/, '');
    const launcher = accessControlFor(topology, appId, namespace);
    if (!launcher) continue;
    seen.push(appId);
    const chart = (config.spec as { accessControl: AccessControl }).accessControl;
    assert.deepEqual(sorted(chart), sorted(launcher), appId);
  }
  assert.ok(seen.includes('ingress') && seen.includes('profile') && seen.includes('chat'), seen.join(', '));
});
