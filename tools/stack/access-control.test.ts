import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessControlFor, daprOperations } from './access-control.ts';
import { loadTopology } from './topology.ts';

test('a shorter path takes the verbs of the longer ones it hides from Dapr', () => {
  // Dapr answers /internal/profiles/x with the policy of /internal/profiles: DELETE must be on it.
  assert.deepEqual(daprOperations(['POST /internal/profiles', 'DELETE /internal/profiles/*']), [
    { name: '/internal/profiles', httpVerb: ['DELETE', 'POST'], action: 'allow' },
  ]);
});

test('a middle * becomes the ** Dapr matches there; a trailing one stays', () => {
  assert.deepEqual(
    daprOperations(['GET /internal/conversations/*/members', 'PUT /a/*']).map((o) => o.name),
    ['/a/*', '/internal/conversations/**/members'],
  );
});

test('refuses an operation that is not "VERB /path"', () => {
  assert.throws(() => daprOperations(['/internal/profiles']));
  assert.throws(() => daprOperations(['FETCH /x']));
});

test('profile lets only user create and delete profiles, chat check blocks, known users and mutual follows, the ingress its public routes', () => {
  const acl = accessControlFor(loadTopology(), 'profile');
  assert.ok(acl);
  assert.equal(acl.defaultAction, 'deny');
  const byCaller = Object.fromEntries(acl.policies.map((p) => [p.appId, p.operations]));
  assert.deepEqual(Object.keys(byCaller).sort(), ['chat', 'ingress', 'user']);
  assert.deepEqual(byCaller.user, [{ name: '/internal/profiles', httpVerb: ['DELETE', 'POST'], action: 'allow' }]);
  assert.deepEqual(byCaller.chat, [
    { name: '/internal/blocks', httpVerb: ['GET'], action: 'allow' },
    { name: '/internal/known-profiles', httpVerb: ['POST'], action: 'allow' },
    { name: '/internal/mutual-follows', httpVerb: ['POST'], action: 'allow' },
  ]);
  assert.ok(byCaller.ingress?.every((o) => !o.name.startsWith('/internal')));
  for (const p of acl.policies) assert.equal(p.defaultAction, 'deny');
});

test('the ingress gets no WebSocket route, nothing may call the ingress, unknown apps keep allow-all', () => {
  const topology = loadTopology();
  const chat = accessControlFor(topology, 'chat');
  const edge = chat?.policies.find((p) => p.appId === 'ingress');
  assert.ok(edge && !edge.operations.some((o) => o.name === '/ws'));
  assert.deepEqual(accessControlFor(topology, 'ingress')?.policies, []);
  assert.equal(accessControlFor(topology, 'some-fixture'), undefined);
});
