import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sinkPaths } from '../../tools/stack/sinks.ts';
import { type ChatDevice, connectDevice, type Frame } from '../harness/chat-client.ts';
import { rootQuery } from '../harness/databases.ts';
import { eventApplied, messageEventApplied, publishTestEvent } from '../harness/events.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { logIn, newPerson, type Person } from '../harness/people.ts';
import { mailsTo, smsTo } from '../harness/sinks.ts';
import { appUrl, eventually, sharedStack } from '../harness/stack.ts';

const info = sharedStack();
const [user, profile, chat1, chat2] = [appUrl('user'), appUrl('profile'), appUrl('chat-1'), appUrl('chat-2')];
const notification = appUrl('notification');
const sinks = sinkPaths(info.runDir);

interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  readAt: string | null;
}
interface Page {
  items: NotificationView[];
  nextCursor: string | null;
}

const list = async (p: Person, query = '') =>
  (await call<Page>(`${notification}/notifications${query}`, { token: p.token })).body.items;

/** Waits until the person has a notification of this kind that matches, and returns it. */
async function arrives(p: Person, kind: string, match: (n: NotificationView) => boolean = () => true) {
  const found = await eventually(
    async () => (await list(p)).find((n) => n.kind === kind && match(n)),
    (n) => n !== undefined,
    30_000,
  );
  assert.ok(found, `${p.username} got a ${kind} notification`);
  return found;
}

const pushed = (d: ChatDevice, kind: string) =>
  d.waitFor((f: Frame) => f.type === 'notification' && (f.notification as NotificationView).kind === kind, 30_000);

describe('notifications driven by events, through the real stack', () => {
  let alice: Person;
  let bob: Person;
  let carol: Person;
  const devices: ChatDevice[] = [];

  before(async () => {
    [alice, bob, carol] = await Promise.all([newPerson(user, 'na'), newPerson(user, 'nb'), newPerson(user, 'nc')]);
  });
  after(async () => {
    await Promise.all(devices.map((d) => d.close()));
  });

  test('registration: a welcome notification in the app and one welcome email over SMTP', async () => {
    const welcome = await arrives(alice, 'welcome');
    assert.equal(welcome.title, 'Welcome to SoulChat');
    assert.match(welcome.body, new RegExp(alice.username));
    const mails = await eventually(
      async () => mailsTo(sinks.maildir, alice.email),
      (m) => m.length > 0,
      30_000,
    );
    assert.match(mails[0] ?? '', /^Subject: Welcome to SoulChat$/m);
    assert.match(mails[0] ?? '', new RegExp(`Hi ${alice.username}`));
    const count = await call<{ count: number }>(`${notification}/notifications/unread-count`, { token: alice.token });
    assert.equal(count.body.count, 1);
  });

  test('a new follower is notified at once over the chat WebSocket the user already holds', async () => {
    const device = await connectDevice(chat2, bob.token);
    devices.push(device);
    const follow = await call(`${profile}/profiles/${bob.id}/follow`, { method: 'PUT', token: alice.token });
    assert.equal(follow.status, 204);
    const frame = await pushed(device, 'follower');
    const n = frame.notification as NotificationView;
    assert.equal(n.body, `${alice.username} started following you.`);
    assert.equal(n.data.followerId, alice.id);
    const stored = await arrives(bob, 'follower');
    assert.equal(stored.id, n.id);
  });

  test('a direct message to someone offline notifies them (app and email); an online recipient gets none', async () => {
    const sender = await connectDevice(chat1, alice.token);
    devices.push(sender);
    const toCarol = await call<{ id: string }>(`${chat1}/conversations/direct`, {
      body: { userId: carol.id },
      token: alice.token,
    });
    const toBob = await call<{ id: string }>(`${chat1}/conversations/direct`, {
      body: { userId: bob.id },
      token: alice.token,
    });
    sender.send({ type: 'send', conversationId: toBob.body.id, clientMsgId: 'to-bob-1', content: 'bob is here' });
    sender.send({ type: 'send', conversationId: toCarol.body.id, clientMsgId: 'to-carol-1', content: 'hello carol' });
    const toBobAck = await sender.waitFor((f) => f.type === 'ack' && f.clientMsgId === 'to-bob-1');
    const n = await arrives(carol, 'message');
    assert.equal(n.title, `New message from ${alice.username}`);
    assert.equal(n.body, 'hello carol');
    assert.equal(n.data.conversationId, toCarol.body.id);
    const mail = await eventually(
      async () => mailsTo(sinks.maildir, carol.email).filter((m) => m.includes('New message from')),
      (m) => m.length > 0,
      30_000,
    );
    assert.equal(mail.length, 1);
    // Bob holds a socket (previous test). Once the notification service has applied his message's
    // event, it must have made nothing of it.
    await messageEventApplied(info, 'notifications', String(toBobAck.messageId));
    assert.deepEqual(
      (await list(bob)).filter((x) => x.kind === 'message'),
      [],
    );
  });

  test('a mention in a group reaches the mentioned member live; members added hear about it', async () => {
    const device = await connectDevice(chat1, bob.token);
    devices.push(device);
    const name = `Team ${randomUUID().slice(0, 6)}`;
    const group = await call<{ id: string }>(`${chat2}/groups`, {
      body: { name, description: '', memberIds: [bob.id, carol.id] },
      token: alice.token,
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const added = await arrives(carol, 'group', (n) => n.data.conversationId === group.body.id);
    assert.equal(added.title, `Added to ${name}`);
    const sender = await connectDevice(chat2, alice.token);
    devices.push(sender);
    sender.send({
      type: 'send',
      conversationId: group.body.id,
      clientMsgId: 'mention-1',
      content: '@bob please look',
      mentions: [bob.id],
    });
    const frame = await pushed(device, 'mention');
    const n = frame.notification as NotificationView;
    assert.equal(n.title, `${alice.username} mentioned you in ${name}`);
    assert.equal(n.body, '@bob please look');
    // Carol was not mentioned: no mention for her, and a mention of a non-member is refused.
    sender.send({
      type: 'send',
      conversationId: group.body.id,
      clientMsgId: 'mention-2',
      content: 'hi',
      mentions: [randomUUID()],
    });
    const refused = await sender.waitFor((f) => f.type === 'error' && f.ref === 'mention-2');
    assert.equal(refused.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      (await list(carol)).filter((x) => x.kind === 'mention'),
      [],
    );
  });

  test('SMS when the user asks for it, through the HTTP binding to the provider endpoint', async () => {
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const prefs = await call<{ phone: string; channels: { follower: { sms: boolean } } }>(
      `${notification}/notifications/preferences`,
      { method: 'PUT', body: { phone, channels: { follower: { sms: true } } }, token: carol.token },
    );
    assert.equal(prefs.status, 200, JSON.stringify(prefs.body));
    assert.equal(prefs.body.phone, phone);
    assert.equal(prefs.body.channels.follower.sms, true);
    await call(`${profile}/profiles/${carol.id}/follow`, { method: 'PUT', token: bob.token });
    const texts = await eventually(
      async () => smsTo(sinks.smsFile, phone),
      (t) => t.length > 0,
      30_000,
    );
    assert.equal(texts.length, 1);
    assert.match(texts[0]?.text ?? '', new RegExp(`${bob.username} started following you`));
  });

  test('a failing SMS provider: retried, then recorded as failed, and other notifications still flow', async () => {
    const failing = await newPerson(user, 'nf');
    const failingPhone = `+999${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    await eventually(
      () =>
        call(`${notification}/notifications/preferences`, {
          method: 'PUT',
          body: { phone: failingPhone, channels: { follower: { sms: true, email: true } } },
          token: failing.token,
        }),
      (r) => r.status === 200,
      30_000,
    );
    await call(`${profile}/profiles/${failing.id}/follow`, { method: 'PUT', token: alice.token });
    // The email of the same notification is not held up by the failing SMS.
    const mail = await eventually(
      async () => mailsTo(sinks.maildir, failing.email).filter((m) => m.includes('New follower')),
      (m) => m.length > 0,
      30_000,
    );
    assert.equal(mail.length, 1);
    const rows = await eventually(
      () =>
        rootQuery<{ status: string; attempts: number }>(
          info,
          "SELECT status, attempts FROM notifications.deliveries WHERE recipient = ? AND channel = 'sms'",
          [failingPhone],
        ),
      (r) => r[0]?.status === 'failed',
      60_000,
    );
    assert.equal(rows[0]?.status, 'failed');
    assert.equal(rows[0]?.attempts, 3, 'DELIVERY_MAX_ATTEMPTS of stack.json');
    // Each attempt went through Dapr's binding retries: the provider saw more requests than attempts.
    assert.ok(smsTo(sinks.smsFile, failingPhone).length > 3);
  });

  test('an event delivered twice makes one notification', async () => {
    // Keyed by the followed user, as the profile service keys them: all three on one partition, in order.
    const publish = (id: string, followerId: string) =>
      publishTestEvent(info, 'skeleton', 'follow.created', carol.id, { followerId, followingId: carol.id }, { id });
    const count = async (envelopeId: string) =>
      Number(
        (
          await rootQuery<{ n: number }>(
            info,
            'SELECT COUNT(*) AS n FROM notifications.notifications WHERE source_id = ?',
            [envelopeId],
          )
        )[0]?.n,
      );
    const twice = `test-follow-${randomUUID()}`;
    const barrier = `test-follow-${randomUUID()}`;
    await publish(twice, alice.id);
    await publish(twice, alice.id);
    await publish(barrier, bob.id);
    // The barrier is behind both copies on the partition: once it is applied, both copies were.
    await eventually(
      () => count(barrier),
      (n) => n === 1,
      30_000,
      'the barrier event to be applied',
    );
    assert.equal(await count(twice), 1);
  });

  test('reading: mark one read, then all; unread filter and cursor pages', async () => {
    const before = await list(carol);
    assert.ok(before.length >= 3, JSON.stringify(before.map((n) => n.kind)));
    const first = before[0];
    assert.ok(first);
    const one = await call(`${notification}/notifications/${first.id}/read`, { method: 'POST', token: carol.token });
    assert.equal(one.status, 204);
    const unread = await list(carol, '?unread=true');
    assert.ok(!unread.some((n) => n.id === first.id));
    const page1 = await call<Page>(`${notification}/notifications?limit=2`, { token: carol.token });
    assert.equal(page1.body.items.length, 2);
    assert.ok(page1.body.nextCursor);
    const page2 = await call<Page>(`${notification}/notifications?limit=2&cursor=${page1.body.nextCursor}`, {
      token: carol.token,
    });
    assert.ok(page2.body.items.length >= 1);
    const ids = [...page1.body.items, ...page2.body.items].map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'no notification on two pages');
    const all = await call<{ updated: number }>(`${notification}/notifications/read-all`, {
      method: 'POST',
      token: carol.token,
    });
    assert.equal(all.status, 200);
    const count = await call<{ count: number }>(`${notification}/notifications/unread-count`, { token: carol.token });
    assert.equal(count.body.count, 0);
  });

  test("one user can neither read nor mark another's notifications", async () => {
    const carols = await list(carol);
    const target = carols[0];
    assert.ok(target);
    const mark = await call<ErrorBody>(`${notification}/notifications/${target.id}/read`, {
      method: 'POST',
      token: alice.token,
    });
    assert.equal(mark.status, 404);
    assert.equal(mark.body.error.code, 'NOT_FOUND');
    assert.ok(!(await list(alice)).some((n) => n.id === target.id));
  });

  test('bad input gets a 4xx with a code and message, never a 500', async () => {
    const cases: Array<[string, string, unknown, number]> = [
      ['GET', '/notifications?limit=0', undefined, 400],
      ['GET', '/notifications?limit=abc', undefined, 400],
      ['GET', '/notifications?cursor=not-a-cursor', undefined, 400],
      ['GET', '/notifications?unread=maybe', undefined, 400],
      ['GET', '/notifications?extra=1', undefined, 400],
      ['POST', '/notifications/not-a-uuid/read', undefined, 400],
      ['PUT', '/notifications/preferences', {}, 400],
      ['PUT', '/notifications/preferences', { phone: '12345' }, 400],
      ['PUT', '/notifications/preferences', { channels: { nonsense: { email: true } } }, 400],
      ['PUT', '/notifications/preferences', { channels: { follower: { email: 'yes' } } }, 400],
      ['PUT', '/notifications/preferences', '{"phone":', 400],
      ['POST', '/notifications/alerts', { title: 'x', body: 'y', audience: { kind: 'all' } }, 403],
      ['DELETE', '/notifications', undefined, 405],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await call<ErrorBody>(`${notification}${path}`, { method, body, token: alice.token });
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.ok(res.body.error.code && res.body.error.message, `${method} ${path} has a code and message`);
    }
    const anonymous = await call<ErrorBody>(`${notification}/notifications`);
    assert.equal(anonymous.status, 401);
    const forged = await call<ErrorBody>(`${notification}/notifications`, { token: `${alice.token}x` });
    assert.equal(forged.status, 401);
    // What was stored before is all still there.
    assert.ok((await list(alice)).some((n) => n.kind === 'welcome'));
  });

  test('an admin broadcasts a system alert to a group; members get it, others do not', async () => {
    const admin = await newPerson(user, 'nadm');
    await rootQuery(info, "UPDATE users.users SET roles = 'user,admin' WHERE id = ?", [admin.id]);
    const adminToken = await logIn(user, admin.username, admin.password);
    const group = await call<{ id: string }>(`${chat1}/groups`, {
      body: { name: 'Alerted', description: '', memberIds: [bob.id] },
      token: alice.token,
    });
    const sent = await call<{ alertId: string; recipients: number }>(`${notification}/notifications/alerts`, {
      body: { title: 'Maintenance', body: 'Back in 5 minutes', audience: { kind: 'group', groupId: group.body.id } },
      token: adminToken,
    });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    assert.equal(sent.body.recipients, 2);
    const got = await arrives(bob, 'alert', (n) => n.data.alertId === sent.body.alertId);
    assert.equal(got.title, 'Maintenance');
    await arrives(alice, 'alert', (n) => n.data.alertId === sent.body.alertId);
    assert.ok(!(await list(carol)).some((n) => n.data.alertId === sent.body.alertId));
    const missing = await call<ErrorBody>(`${notification}/notifications/alerts`, {
      body: { title: 'x', body: 'y', audience: { kind: 'group', groupId: randomUUID() } },
      token: adminToken,
    });
    assert.equal(missing.status, 404);
  });

  test('after an email change, emails go to the new address', async () => {
    const mover = await newPerson(user, 'nmv');
    await arrives(mover, 'welcome');
    const newEmail = `moved_${mover.username}@example.test`;
    const patch = await call(`${user}/me`, { method: 'PATCH', body: { email: newEmail }, token: mover.token });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    await eventually(
      () =>
        rootQuery<{ email: string }>(info, 'SELECT email FROM notifications.contacts WHERE user_id = ?', [mover.id]),
      (r) => r[0]?.email === newEmail,
      30_000,
    );
    const dm = await call<{ id: string }>(`${chat1}/conversations/direct`, {
      body: { userId: mover.id },
      token: alice.token,
    });
    const sender = await connectDevice(chat1, alice.token);
    devices.push(sender);
    sender.send({ type: 'send', conversationId: dm.body.id, clientMsgId: 'to-mover', content: 'you moved' });
    const mails = await eventually(
      async () => mailsTo(sinks.maildir, newEmail),
      (m) => m.length > 0,
      30_000,
    );
    assert.match(mails[0] ?? '', /New message from/);
    assert.equal(mailsTo(sinks.maildir, mover.email).filter((m) => m.includes('New message from')).length, 0);
  });

  test("user.deleted removes that user's notifications", async () => {
    const gone = await newPerson(user, 'ndel');
    await arrives(gone, 'welcome');
    const del = await call(`${user}/me`, { method: 'DELETE', body: { password: gone.password }, token: gone.token });
    assert.equal(del.status, 204, JSON.stringify(del.body));
    const left = await eventually(
      () =>
        rootQuery<{ n: number }>(info, 'SELECT COUNT(*) AS n FROM notifications.notifications WHERE user_id = ?', [
          gone.id,
        ]),
      (r) => Number(r[0]?.n) === 0,
      30_000,
    );
    assert.equal(Number(left[0]?.n), 0);
    const contact = await rootQuery(info, 'SELECT user_id FROM notifications.contacts WHERE user_id = ?', [gone.id]);
    assert.deepEqual(contact, []);
  });

  test('late events about a deleted user end at once (a tombstone), and notify nobody', async () => {
    const gone = await newPerson(user, 'ntomb');
    await arrives(gone, 'welcome');
    const del = await call(`${user}/me`, { method: 'DELETE', body: { password: gone.password }, token: gone.token });
    assert.equal(del.status, 204, JSON.stringify(del.body));
    await eventually(
      () => rootQuery(info, 'SELECT user_id FROM notifications.deleted_users WHERE user_id = ?', [gone.id]),
      (rows) => rows.length === 1,
      30_000,
      'the tombstone',
    );
    // An email change that arrives after the deletion: without the tombstone it waits forever
    // for a contact that never comes back (retried until Dapr gives up).
    const emailChanged = await publishTestEvent(info, 'skeleton', 'user.email_changed', gone.id, {
      userId: gone.id,
      email: `${gone.username}-new@example.test`,
    });
    await eventApplied(info, 'notifications', emailChanged, 30_000);
    const followed = await publishTestEvent(info, 'skeleton', 'follow.created', gone.id, {
      followerId: alice.id,
      followingId: gone.id,
    });
    await eventApplied(info, 'notifications', followed, 30_000);
    const rows = await rootQuery<{ n: number }>(
      info,
      'SELECT COUNT(*) AS n FROM notifications.notifications WHERE user_id = ?',
      [gone.id],
    );
    assert.equal(Number(rows[0]?.n), 0, 'nothing for a deleted user');
  });
});
