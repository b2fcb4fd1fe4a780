import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { sharedStack } from '../harness/stack.ts';
import { edge, newPerson } from './client.ts';

/**
 * Envoy keeps the key set for a minute and does not refetch it for an unknown key id. A rotation
 * publishes the new key for longer than that before signing with it, so clients calling through
 * the edge never see a 401 for a good token. Takes the lead time (about 2.5 minutes).
 */
describe('signing-key rotation seen from the edge', () => {
  test('tokens keep working through Envoy across a rotation, before and after the new key signs', async () => {
    const person = await newPerson();
    const me = async (token: string) => (await edge('/me', { token })).status;
    // Envoy now holds the key set as it is before the rotation.
    assert.equal(await me(person.token), 200);
    const user = sharedStack().apps.find((a) => a.id === 'user');
    assert.ok(user);
    const res = await fetch(`http://127.0.0.1:${user.port}/internal/keys/rotate`, {
      method: 'POST',
      headers: { 'dapr-api-token': user.appApiToken },
    });
    assert.equal(res.status, 200);
    const rotated = (await res.json()) as { kid: string; activatesAt: string };
    const oldKid = decodeProtectedHeader(person.token).kid;
    // Until the new key signs, the old token keeps working (checked every few seconds).
    const activation = Date.parse(rotated.activatesAt);
    while (Date.now() < activation + 1000) {
      assert.equal(await me(person.token), 200, 'the old token during the lead');
      await new Promise((r) => setTimeout(r, Math.min(5000, Math.max(0, activation + 1000 - Date.now()))));
    }
    const login = await edge('/login', { body: { identifier: person.username, password: 'long enough password' } });
    assert.equal(login.status, 200, login.text);
    const fresh = login.json<{ accessToken: string }>().accessToken;
    assert.equal(decodeProtectedHeader(fresh).kid, rotated.kid, 'the new key signs after its lead');
    assert.notEqual(rotated.kid, oldKid);
    assert.equal(await me(fresh), 200, 'Envoy already knew the new key');
    assert.equal(await me(person.token), 200, 'a token of the old key still works');
  });
});
