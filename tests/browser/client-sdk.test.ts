/**
 * `@soulchat/client` in a real browser (Debian's chromium), through the Envoy ingress: the
 * browser's own fetch and WebSocket, the session in localStorage, the sync cursors in IndexedDB.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type * as Client from '@soulchat/client';
import { ChatSocket, Session } from '@soulchat/client';
import type { Browser } from 'playwright-core';
import { launchBrowser, servePage, type TestPage } from '../harness/browser.ts';
import { fetchFrom, webSocketFrom } from '../harness/client-transport.ts';
import { sharedStack } from '../harness/stack.ts';

const from = '127.0.0.52';
const baseUrl = sharedStack().ingress?.url ?? '';
const password = 'long enough password';

/** What the test page keeps between evaluations. */
interface PageGlobals {
  SoulChat: typeof Client;
  seen: Array<[number, string]>;
  chat?: Client.ChatSocket;
}
declare const window: PageGlobals;

async function register(session: Session): Promise<{ id: string; username: string }> {
  const username = `b_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const account = await session.register({ username, email: `${username}@example.test`, password });
  return { id: account.id, username };
}

describe('the client SDK in a browser', () => {
  let browser: Browser;
  let page: TestPage;
  let alice: ChatSocket;
  let bob: { id: string; username: string };
  let dm: string;

  before(async () => {
    [browser, page] = await Promise.all([launchBrowser(), servePage()]);
    bob = await register(new Session({ baseUrl, fetch: fetchFrom(from) }));
  });
  after(async () => {
    alice?.close();
    await browser?.close();
    await page?.close();
  });

  test('stays logged in across a reload and catches up from the cursors it stored', async () => {
    const aliceSession = new Session({ baseUrl, fetch: fetchFrom(from) });
    const aliceAccount = await register(aliceSession);
    await aliceSession.login(aliceAccount.username, password);
    dm = (await aliceSession.request<{ id: string }>('POST', '/conversations/direct', { userId: bob.id })).id;
    alice = new ChatSocket({
      baseUrl,
      token: (fresh) => aliceSession.accessToken(fresh),
      WebSocket: webSocketFrom(from),
    });
    await alice.start();

    const tab = await browser.newPage();
    await tab.goto(page.origin);
    await tab.evaluate(
      async ({ baseUrl, username, password }) => {
        const { Session, browserTokenStore } = window.SoulChat;
        await new Session({ baseUrl, store: browserTokenStore() }).login(username, password);
      },
      { baseUrl, username: bob.username, password },
    );
    const startChat = () =>
      tab.evaluate(async (baseUrl) => {
        const { Session, ChatSocket, browserTokenStore, indexedDbCursorStore } = window.SoulChat;
        const session = new Session({ baseUrl, store: browserTokenStore() });
        if (!session.loggedIn) throw new Error('the session did not survive');
        const chat = new ChatSocket({
          baseUrl,
          token: (fresh) => session.accessToken(fresh),
          cursors: indexedDbCursorStore(),
        });
        window.seen = [];
        chat.on('message', (m) => window.seen.push([m.seq, m.content]));
        await chat.start();
        window.chat = chat;
        return chat.connectionState;
      }, baseUrl);
    const storedCursor = () =>
      tab.evaluate(async (dm) => (await window.SoulChat.indexedDbCursorStore().load())[dm] ?? 0, dm);
    const seen = (count: number) =>
      tab
        .waitForFunction((count) => window.seen.length >= count, count, { timeout: 15_000 })
        .then(() => tab.evaluate(() => window.seen));

    assert.equal(await startChat(), 'open', 'the browser WebSocket is open through the ingress');
    await alice.send(dm, 'first');
    assert.deepEqual(await seen(1), [[1, 'first']]);
    await tab.waitForFunction(async (dm) => (await window.SoulChat.indexedDbCursorStore().load())[dm] === 1, dm, {
      timeout: 15_000,
    });

    await tab.reload();
    await alice.send(dm, 'second');
    await alice.send(dm, 'third, with 中文 and 🙂');
    assert.equal(await startChat(), 'open', 'logged in after the reload, from localStorage');
    assert.deepEqual(
      await seen(2),
      [
        [2, 'second'],
        [3, 'third, with 中文 and 🙂'],
      ],
      'exactly what it missed: nothing shown twice',
    );
    await tab.waitForFunction(async (dm) => (await window.SoulChat.indexedDbCursorStore().load())[dm] === 3, dm, {
      timeout: 15_000,
    });
    assert.equal(await storedCursor(), 3);
    await tab.close();
  });
});
