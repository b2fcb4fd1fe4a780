import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { components } from '../../packages/platform/src/components.ts';
import { repoRoot } from './topology.ts';

// The secret store only feeds other components (their secretKeyRef); services never name it.
const platformOnly = new Set(['secretstore']);

test('every component a profile declares is one the services name (packages/platform components)', () => {
  const root = path.join(repoRoot, 'components');
  const known = new Set<string>(Object.values(components));
  for (const profile of readdirSync(root)) {
    for (const file of readdirSync(path.join(root, profile)).filter((f) => f.endsWith('.yaml'))) {
      const name = (parse(readFileSync(path.join(root, profile, file), 'utf8')) as { metadata: { name: string } })
        .metadata.name;
      assert.ok(
        known.has(name) || platformOnly.has(name),
        `${profile}/${file} declares "${name}", which no service uses`,
      );
    }
  }
});
