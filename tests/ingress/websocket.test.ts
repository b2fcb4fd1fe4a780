import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type ChatDevice, connectDevice, refusedUpgrade } from '../harness/chat-client.ts';
import { edge, ingress, newPerson, type Person } from './client.ts';

type Socket = ChatDevice & { instance: string };

const wsBase = ingress.url.replace(/^http/, 'ws');

/** A socket through Envoy with the token in ?access_token=, as a browser sends it. */
async function connect(person: Person): Promise<Socket> {
  const device = await connectDevice(ingress.url, person.token, { tokenInQuery: true });
  return { ...device, instance: String(device.ready.instance) };
}

describe('the chat WebSocket through Envoy', () => {
  const sockets: Socket[] = [];
  after(() => {
    for (const s of sockets) s.ws.terminate();
  });

  test('carries a message between two users whose sockets are on different chat replicas', async () => {
    const [alice, bob] = await Promise.all([newPerson(), newPerson()]);
    const dm = await edge('/conversations/direct', { token: alice.token, body: { userId: bob.id } });
    assert.equal(dm.status, 200, dm.text);
    const conversationId = dm.json<{ id: string }>().id;
    const aliceSocket = await connect(alice);
    sockets.push(aliceSocket);
    // Round robin: the next upgrade goes to the other replica; a few tries allow for other clients.
    let bobSocket = await connect(bob);
    sockets.push(bobSocket);
    for (let tries = 0; bobSocket.instance === aliceSocket.instance && tries < 4; tries++) {
      bobSocket = await connect(bob);
      sockets.push(bobSocket);
    }
    assert.notEqual(bobSocket.instance, aliceSocket.instance, 'the two sockets landed on different replicas');
    aliceSocket.ws.send(JSON.stringify({ v: 1, type: 'send', conversationId, clientMsgId: 'edge-1', content: 'hi' }));
    const ack = await aliceSocket.waitFor((f) => f.type === 'ack' && f.clientMsgId === 'edge-1');
    const got = await bobSocket.waitFor((f) => f.type === 'message');
    const message = got.message as { content: string; conversationId: string; seq: number };
    assert.deepEqual([message.conversationId, message.content, message.seq], [conversationId, 'hi', Number(ack.seq)]);
  });

  test('refuses an upgrade without a valid token at the edge, with a JSON 401', async () => {
    const missing = await refusedUpgrade(`${wsBase}/ws`);
    assert.equal(missing.status, 401);
    assert.deepEqual(JSON.parse(missing.body), { error: { code: 'UNAUTHORIZED', message: 'Jwt is missing' } });
    const forged = await refusedUpgrade(`${wsBase}/ws?access_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.`);
    assert.equal(forged.status, 401);
  });
});
