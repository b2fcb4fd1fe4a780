/**
 * The web app in a real browser (Debian's chromium driven by playwright-core), served through the
 * Envoy ingress like every API call it makes: people register, find each other, talk in a DM and
 * a group, go offline and come back, reload, and someone outside a group cannot read it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Session } from '@soulchat/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { notAnImage, smallPng } from '../../services/media/test/fixtures.ts';
import { launchBrowser } from '../harness/browser.ts';
import { fetchFrom } from '../harness/client-transport.ts';
import { sharedStack } from '../harness/stack.ts';

const baseUrl = sharedStack().ingress?.url ?? '';
const screenshots = path.join(path.dirname(process.env.SOULCHAT_STACK_INFO ?? '.run/test/x'), 'screenshots');
const password = 'long enough password';
const waitMs = 20_000;

interface Account {
  username: string;
  displayName: string;
}

const newName = (prefix: string) => `${prefix}${randomUUID().replaceAll('-', '').slice(0, 10)}`;

/** Registered from Node (another client address, so the browser's own strict rate limit is kept for the UI). */
async function registered(displayName: string): Promise<Account> {
  const username = newName('w_');
  await new Session({ baseUrl, fetch: fetchFrom('127.0.0.53') }).register({
    username,
    email: `${username}@example.test`,
    password,
    displayName,
  });
  return { username, displayName };
}

async function logInThroughUi(page: Page, account: Account): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Username or email').fill(account.username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).last().click();
  await connected(page);
}

const connected = (page: Page) =>
  page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor({ timeout: waitMs });

/** The texts of the open conversation's stored messages, in the order shown. */
const shownTexts = (page: Page) =>
  page.locator('[data-testid=message][data-seq]:not([data-seq=""]) [data-testid=content]').allTextContents();

async function waitForTexts(page: Page, wanted: string[]): Promise<string[]> {
  await page
    .waitForFunction(
      (texts) => {
        const shown = Array.from(document.querySelectorAll('[data-testid=content]'), (e) => e.textContent);
        return texts.every((t) => shown.includes(t));
      },
      wanted,
      { timeout: waitMs },
    )
    .catch(async (err: unknown) => {
      // What the page showed instead, for whoever reads the failure.
      await shot(page, `failed-${Date.now()}`);
      const status = await page
        .getByTestId('connection')
        .textContent()
        .catch(() => '?');
      throw new Error(`${(err as Error).message}\nstatus: ${status}\nshown: ${(await shownTexts(page)).join(' | ')}`);
    });
  return shownTexts(page);
}

async function openPeopleAndMessage(page: Page, who: Account): Promise<string> {
  await page.getByRole('button', { name: 'Find people' }).click();
  await page.getByLabel('Name or username starts with').fill(who.username);
  await page.getByRole('button', { name: 'Search' }).click();
  const row = page.getByTestId('person').filter({ hasText: who.username });
  await row.getByRole('button', { name: 'Message' }).click();
  await page.waitForURL(/#\/c\//, { timeout: waitMs });
  return new URL(page.url()).hash.replace('#/c/', '');
}

/** Moves the focus with Tab only, as a keyboard user does, until `label`'s field has it. */
async function tabTo(page: Page, label: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (
      await page.evaluate(
        (l) =>
          document.activeElement?.getAttribute('aria-label') === l ||
          (document.activeElement as HTMLTextAreaElement | null)?.labels?.[0]?.textContent === l,
        label,
      )
    )
      return;
  }
  assert.fail(`Tab never reached "${label}"`);
}

async function sendByKeyboard(page: Page, text: string): Promise<void> {
  const composer = page.getByLabel('Message', { exact: true });
  await composer.focus();
  await page.keyboard.insertText(text);
  await page.keyboard.press('Enter');
}

/** Chooses a file with the composer's attach button, as a person does, with what is written as caption. */
async function attach(page: Page, file: { name: string; mimeType: string; buffer: Buffer }, caption = '') {
  await page.getByLabel('Message', { exact: true }).fill(caption);
  const chooser = page.waitForEvent('filechooser', { timeout: waitMs });
  await page.getByRole('button', { name: 'Attach file' }).click();
  await (await chooser).setFiles(file);
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`) });

describe('the web app through the ingress', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let bob: Page;
  let bobContext: BrowserContext;
  let aliceAccount: Account;
  let bobAccount: Account;
  let carolAccount: Account;
  let groupId = '';
  let carol: Page;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    browser = await launchBrowser();
    [bobAccount, carolAccount] = await Promise.all([registered('Bob 鲍勃'), registered('Carol')]);
    const open = async () => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      contexts.push(context);
      return context;
    };
    alice = await (await open()).newPage();
    bobContext = await open();
    bob = await bobContext.newPage();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
  });

  test('the page comes with a strict Content-Security-Policy that stops inline script', async () => {
    const page = await contexts[0]?.newPage();
    assert.ok(page);
    const response = await page.goto(baseUrl);
    const csp = response?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.equal(response?.headers()['x-content-type-options'], 'nosniff');
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.inline = "ran"';
      document.head.append(script);
      return document.body.dataset.inline ?? 'blocked';
    });
    assert.equal(ran, 'blocked');
    await page.close();
  });

  test('a person registers in the browser and a bad login reads as words, not JSON', async () => {
    await alice.goto(baseUrl);
    await alice.getByLabel('Username or email').fill(bobAccount.username);
    await alice.getByLabel('Password').fill('not the password');
    await alice.getByRole('button', { name: 'Log in' }).last().click();
    const problem = await alice.getByRole('alert').textContent({ timeout: waitMs });
    assert.equal(problem, 'Wrong username or password.');
    await shot(alice, 'login');

    aliceAccount = { username: newName('w_'), displayName: 'Alice' };
    await alice.getByRole('button', { name: 'Register' }).click();
    await alice.getByLabel('Username', { exact: true }).fill(aliceAccount.username);
    await alice.getByLabel('Display name').fill(aliceAccount.displayName);
    await alice.getByLabel('Email').fill(`${aliceAccount.username}@example.test`);
    await alice.getByLabel('Password').fill(password);
    await alice.getByRole('button', { name: 'Create account' }).click();
    await connected(alice);
    await logInThroughUi(bob, bobAccount);
  });

  test('a direct conversation: found by search, sent by keyboard, live, with typing, read and presence', async () => {
    const dm = await openPeopleAndMessage(alice, bobAccount);
    await tabTo(alice, 'Message');
    await alice.keyboard.insertText('hello bob');
    await alice.keyboard.press('Enter');
    await waitForTexts(alice, ['hello bob']);

    const link = bob.getByTestId('conversation-link').filter({ hasText: 'Alice' });
    assert.equal(await link.getByTestId('unread').textContent({ timeout: waitMs }), '1 unread');
    await link.click();
    assert.deepEqual(await waitForTexts(bob, ['hello bob']), ['hello bob']);
    assert.equal(new URL(bob.url()).hash, `#/c/${dm}`);

    await bob.getByLabel('Message', { exact: true }).pressSequentially('typing now');
    await alice.getByTestId('typing').filter({ hasText: 'Bob 鲍勃 is typing…' }).waitFor({ timeout: waitMs });
    await alice.getByTestId('seen').waitFor({ timeout: waitMs });
    await alice.locator('.conversation-header [aria-label=online]').waitFor({ timeout: waitMs });
    await shot(alice, 'direct-conversation');
  });

  test('a group: Unicode and right-to-left text shown as written, markup shown as text', async () => {
    await alice.getByRole('button', { name: 'New group' }).click();
    await alice.getByLabel('Group name').fill('Team 团队');
    await alice.getByLabel('Add people (name starts with)').fill(bobAccount.username);
    await alice.getByRole('checkbox', { name: /Bob/ }).check();
    await alice.getByRole('button', { name: 'Create group' }).click();
    await alice.getByRole('heading', { name: 'Team 团队' }).waitFor({ timeout: waitMs });
    groupId = new URL(alice.url()).hash.replace('#/c/', '');

    const tricky = ['你好，世界 👋🏽', 'مرحبا بالعالم', '<img src=x onerror="document.body.dataset.xss=1">'];
    for (const text of tricky) await sendByKeyboard(alice, text);
    await bob.getByTestId('conversation-link').filter({ hasText: 'Team 团队' }).click();
    assert.deepEqual(await waitForTexts(bob, tricky), tricky);
    assert.equal(await bob.evaluate(() => document.body.dataset.xss ?? 'none'), 'none');
    assert.equal(await bob.locator('[data-testid=content][dir=auto]').count(), tricky.length);
  });

  test('offline and back: every message once, in order, and a send made offline goes out', async () => {
    await bobContext.setOffline(true);
    await bob.getByTestId('connection').filter({ hasText: 'Offline' }).waitFor({ timeout: waitMs });
    await sendByKeyboard(bob, 'written offline');
    await bob.getByText('Sending…').waitFor({ timeout: waitMs });
    const missed = ['while away 1', 'while away 2', 'while away 3'];
    for (const text of missed) await sendByKeyboard(alice, text);
    await waitForTexts(alice, missed);
    await shot(bob, 'offline');

    await bobContext.setOffline(false);
    await connected(bob);
    const shown = await waitForTexts(bob, [...missed, 'written offline']);
    assert.equal(new Set(shown).size, shown.length, `shown twice: ${shown.join(' | ')}`);
    const order = missed.map((t) => shown.indexOf(t));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    await waitForTexts(alice, ['written offline']);
    assert.equal(await bob.getByText('Sending…').count(), 0);
  });

  test('a reload keeps the session, the open conversation and its history, each message once', async () => {
    const before = await shownTexts(bob);
    await bob.reload();
    await connected(bob);
    const after = await waitForTexts(bob, before);
    assert.deepEqual(after, before);
  });

  test('someone outside the group cannot read it, even by typing its address', async () => {
    carol = await (await browser.newContext()).newPage();
    contexts.push(carol.context());
    await logInThroughUi(carol, carolAccount);
    await carol.goto(`${baseUrl}/#/c/${groupId}`);
    const problem = await carol.getByRole('alert').textContent({ timeout: waitMs });
    assert.equal(problem, 'You are not a member of this conversation.');
    assert.equal(await carol.getByTestId('message').count(), 0);
  });

  test('edits, deletions and reactions reach the other member live', async () => {
    const mine = (text: string) => alice.getByTestId('message').filter({ hasText: text });
    await mine('while away 2').getByRole('button', { name: 'Edit' }).click();
    await alice.getByLabel('Edit message').fill('changed my mind');
    await alice.getByRole('button', { name: 'Save' }).click();
    await mine('while away 3').getByRole('button', { name: 'Delete' }).click();
    await bob
      .getByTestId('message')
      .filter({ hasText: 'changed my mind' })
      .getByText('(edited)')
      .waitFor({ timeout: waitMs });
    await bob.getByTestId('message').filter({ hasText: 'Message deleted' }).waitFor({ timeout: waitMs });
    await bob.getByTestId('message').filter({ hasText: 'while away 1' }).getByRole('button', { name: 'Like' }).click();
    await mine('while away 1').getByText('👍 1').waitFor({ timeout: waitMs });
    assert.equal(await bob.getByText('while away 3').count(), 0, 'the deleted text is gone');
  });

  test('an image reaches the other member at its size from its thumbnail; a file comes as a download link', async () => {
    await attach(alice, { name: 'logo.png', mimeType: 'image/png', buffer: await smallPng(200, 100) }, 'our logo');
    // With a src: its links have come (before, it holds its place without one).
    const image = bob.getByTestId('message').filter({ hasText: 'our logo' }).locator('img[src]');
    await image.waitFor({ timeout: waitMs });
    assert.deepEqual([await image.getAttribute('width'), await image.getAttribute('height')], ['200', '100']);
    await image.scrollIntoViewIfNeeded();
    const handle = await image.elementHandle();
    await bob.waitForFunction((img) => (img as HTMLImageElement | null)?.naturalWidth === 200, handle, {
      timeout: waitMs,
    });
    const box = await image.boundingBox();
    assert.deepEqual([box?.width, box?.height], [200, 100], 'laid out at the size the message gave');
    assert.match((await image.getAttribute('src')) ?? '', /^\/files\/[\w-]+\/thumb\?expires=\d+&signature=/);
    const opens = bob.getByRole('link', { name: 'logo.png' });
    assert.match((await opens.getAttribute('href')) ?? '', /^\/files\/[\w-]+\/preview\?/);
    assert.equal(await opens.getAttribute('target'), '_blank');

    const words = 'plain words, 汉字\n';
    await attach(alice, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(words) });
    const download = bob.getByRole('link', { name: /^notes\.txt/ });
    await download.waitFor({ timeout: waitMs });
    assert.equal(await download.textContent(), `notes.txt (${Buffer.byteLength(words)} B)`);
    assert.equal(await download.getAttribute('download'), 'notes.txt');
    const href = (await download.getAttribute('href')) ?? '';
    assert.match(href, /^\/files\/[\w-]+\/original\?/);
    const fetched = await bob.evaluate((link) => fetch(link).then((r) => r.text()), href);
    assert.equal(fetched, words, 'the link gives the bytes without a token');
    await shot(bob, 'attachments');
  });

  test('a file of a type not accepted reads as a refused send in words', async () => {
    await attach(alice, { name: 'program.bin', mimeType: 'application/octet-stream', buffer: notAnImage() });
    const refused = alice.getByTestId('message').filter({ hasText: 'program.bin' }).getByRole('alert');
    assert.equal(await refused.textContent({ timeout: waitMs }), 'Not sent: Files of this type cannot be sent.');
  });

  test('older history comes on request, in order, each message once', async () => {
    // Erin logs in only after Dave wrote, so the conversation comes from history, not live.
    const [dave, erin] = await Promise.all([registered('Dave'), registered('Erin')]);
    const session = new Session({ baseUrl, fetch: fetchFrom('127.0.0.53') });
    await session.login(dave.username, password);
    const search = await session.request<{ items: Array<{ userId: string }> }>('GET', `/profiles?q=${erin.username}`);
    const dm = await session.request<{ id: string }>('POST', '/conversations/direct', {
      userId: search.items[0]?.userId,
    });
    const texts = Array.from({ length: 60 }, (_, i) => `old ${String(i + 1).padStart(2, '0')}`);
    for (const content of texts)
      await session.request('POST', `/conversations/${dm.id}/messages`, { clientMsgId: randomUUID(), content });
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await logInThroughUi(page, erin);
    await page.goto(`${baseUrl}/#/c/${dm.id}`);
    await waitForTexts(page, ['old 60']);
    assert.deepEqual(await shownTexts(page), texts.slice(10), 'the newest page first');
    await page.getByRole('button', { name: 'Load older messages' }).click();
    await waitForTexts(page, ['old 01']);
    assert.deepEqual(await shownTexts(page), texts);
    assert.equal(await page.getByRole('button', { name: 'Load older messages' }).count(), 0, 'nothing older left');
  });

  test('notifications come with a badge and clear; a profile change and a block work from the UI', async () => {
    await bob.getByTestId('notification-badge').waitFor({ timeout: waitMs });
    await bob.getByRole('button', { name: /^Notifications/ }).click();
    await bob.locator('.notifications li').first().waitFor({ timeout: waitMs });
    await bob.getByRole('button', { name: 'Mark all read' }).click();
    await bob.getByTestId('notification-badge').waitFor({ state: 'detached', timeout: waitMs });
    await shot(bob, 'notifications');

    await alice.getByRole('button', { name: aliceAccount.username }).click();
    await alice.getByLabel('Display name').fill('Alice 爱丽丝');
    await alice.getByRole('button', { name: 'Save profile' }).click();
    await alice.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: waitMs });

    await alice.getByRole('button', { name: 'Find people' }).click();
    await alice.getByLabel('Name or username starts with').fill(carolAccount.username);
    await alice.getByRole('button', { name: 'Search' }).click();
    const row = alice.getByTestId('person').filter({ hasText: carolAccount.username });
    await row.getByRole('button', { name: 'More…' }).click();
    await row.getByRole('button', { name: 'Block' }).click();
    await row.getByRole('button', { name: 'Unblock' }).waitFor({ timeout: waitMs });

    await carol.goto(`${baseUrl}/#/`);
    await carol.getByRole('button', { name: 'Find people' }).click();
    await carol.getByLabel('Name or username starts with').fill(aliceAccount.username);
    await carol.getByRole('button', { name: 'Search' }).click();
    assert.equal(await carol.getByTestId('person').count(), 0, 'a blocker is not found by the blocked');
  });

  test('no serious or critical accessibility violations (axe-core) on the main screens', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    for (const page of [alice, bob]) {
      await page.evaluate(axe);
      const violations = await page.evaluate(async () => {
        const runner = (
          window as unknown as {
            axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> };
          }
        ).axe;
        const result = await runner.run();
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
      });
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad, [], JSON.stringify(violations));
    }
  });

  test('on a phone-sized screen the open conversation fills the screen and nothing scrolls sideways', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(phone);
    const page = await phone.newPage();
    await logInThroughUi(page, bobAccount);
    await page.goto(`${baseUrl}/#/c/${groupId}`);
    await waitForTexts(page, ['while away 1']);
    assert.equal(await page.locator('.sidebar').isVisible(), false);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `scrolls sideways by ${overflow}px`);
    await shot(page, 'phone');
  });
});
