import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { renderConfig, samplingRateOf } from './resources.ts';
import { loadTopology } from './topology.ts';

test("the sidecars' sampling rate and the apps' come from one place: dapr/config, or the stack's override", () => {
  const runDir = mkdtempSync(path.join(tmpdir(), 'soulchat-config-'));
  try {
    const topology = loadTopology();
    assert.equal(samplingRateOf(renderConfig(topology, runDir)), 1, 'dapr/config/config.yaml records every trace');
    const sampled = renderConfig(topology, runDir, 'http://127.0.0.1:4317', 0.1);
    assert.equal(samplingRateOf(sampled), 0.1);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
});
