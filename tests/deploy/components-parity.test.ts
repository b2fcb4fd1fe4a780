import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadProfile } from '../../tools/stack/resources.ts';
import { chartProfiles, documents, renderProfile } from './chart.ts';

interface Component {
  metadata: { name: string };
  spec: { type: string; version: string; metadata?: Array<{ name: string }> };
  scopes?: string[];
}

/** What a component is, whatever its values: name, type, version, the settings it has, its scopes. */
const shape = (c: Component) => ({
  name: c.metadata.name,
  type: c.spec.type,
  version: c.spec.version,
  settings: (c.spec.metadata ?? []).map((m) => m.name).sort(),
  scopes: c.scopes ?? [],
});

// A profile's files (with the profiles it extends) are resolved twice: by the launcher
// (loadProfile) and by the chart (soulchat.profileFiles). Both must pick the same components.
test("each chart profile deploys the launcher's components of that profile (local secret stores aside)", () => {
  for (const name of chartProfiles) {
    const r = renderProfile(name);
    assert.equal(r.status, 0, r.stderr);
    const chart = documents(r.stdout)
      .filter((d) => d.kind === 'Component')
      .map((d) => shape(d as unknown as Component))
      .sort((a, b) => a.name.localeCompare(b.name));
    const launcher = [...loadProfile(name).files.values()]
      .map((file) => parse(readFileSync(file, 'utf8')) as Component)
      .filter((c) => !c.spec.type.startsWith('secretstores.local.'))
      .map(shape)
      .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(chart, launcher, name);
  }
});
