import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readConfig as readUserConfig } from '../../services/user/src/config.ts';
import { fillTemplate } from './resources.ts';
import { expandReplicas, loadTopology } from './topology.ts';

test('a port offset moves every port and nothing else', () => {
  const base = loadTopology();
  const shifted = loadTopology({ offset: 100 });
  assert.equal(shifted.infrastructure.kafka.port, base.infrastructure.kafka.port + 100);
  assert.equal(shifted.infrastructure.kafka.partitions, base.infrastructure.kafka.partitions);
  const [app, appBase] = [shifted.apps[0], base.apps[0]];
  assert.ok(app && appBase);
  assert.equal(app.dapr.grpcPort, appBase.dapr.grpcPort + 100);
  assert.equal(app.id, appBase.id);
});

test('every port in the topology is distinct', () => {
  const ports: number[] = [];
  const collect = (value: unknown, key = '') => {
    if (typeof value === 'number' && /port/i.test(key)) ports.push(value);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, k);
  };
  const topology = loadTopology();
  collect({ ...topology, apps: topology.apps.flatMap(expandReplicas) });
  assert.equal(new Set(ports).size, ports.length);
});

test('templates refuse an unknown placeholder instead of leaving it empty', () => {
  assert.equal(fillTemplate('brokers: {{KAFKA}}', { KAFKA: '127.0.0.1:1' }), 'brokers: 127.0.0.1:1');
  assert.throws(() => fillTemplate('{{MISSING}}', {}), /MISSING/);
});

test('no port falls in the ephemeral range, even shifted by the offsets tests use', () => {
  // npm test uses 1000, the launcher test 2000, a second checkout's tests up to 6000.
  const topology = loadTopology({ offset: 6000 });
  const ports: number[] = [];
  const collect = (value: unknown, key = '') => {
    if (typeof value === 'number' && /port/i.test(key)) ports.push(value);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, k);
  };
  collect({ ...topology, apps: topology.apps.flatMap(expandReplicas) });
  assert.deepEqual(
    ports.filter((p) => p >= 32768),
    [],
  );
});

test("a rotated-in signing key is published for more than twice the edge's key-set cache before it signs", () => {
  const lead = readUserConfig({
    SERVICE_NAME: 'user',
    PORT: '1',
    DAPR_HTTP_PORT: '9',
    DAPR_GRPC_PORT: '9',
    DATABASE_URL: 'mysql://nobody:none@127.0.0.1:9/none',
  }).SIGNING_KEY_LEAD_SECONDS;
  assert.ok(lead > 2 * loadTopology().ingress.auth.jwksCacheSeconds, `lead ${lead}s`);
});
