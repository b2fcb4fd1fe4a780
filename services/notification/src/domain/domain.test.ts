import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { defaultPreferences, effectivePreferences, preferencesPatch, switchesOf } from './preferences.ts';
import { preview, render } from './templates.ts';

test('stored switches override the defaults, one kind and channel at a time', () => {
  const prefs = effectivePreferences([
    { kind: 'follower', channel: 'sms', enabled: true },
    { kind: 'welcome', channel: 'email', enabled: false },
  ]);
  assert.equal(prefs.follower.sms, true);
  assert.equal(prefs.welcome.email, false);
  assert.equal(prefs.welcome.in_app, true);
  assert.equal(defaultPreferences.welcome.email, true, 'the defaults are not changed');
});

test('a patch becomes exactly the switches it names; unknown kinds and non-booleans are refused', () => {
  const patch = preferencesPatch.parse({ mention: { email: false }, alert: { sms: true, in_app: false } });
  assert.deepEqual(switchesOf(patch), [
    { kind: 'mention', channel: 'email', enabled: false },
    { kind: 'alert', channel: 'in_app', enabled: false },
    { kind: 'alert', channel: 'sms', enabled: true },
  ]);
  assert.equal(preferencesPatch.safeParse({ spam: { email: true } }).success, false);
  assert.equal(preferencesPatch.safeParse({ mention: { email: 'no' } }).success, false);
  assert.equal(preferencesPatch.safeParse({ mention: { pigeon: true } }).success, false);
});

test('cursors round-trip and anything else is refused', () => {
  assert.equal(decodeCursor(encodeCursor(42)), 42);
  assert.equal(decodeCursor('not a cursor'), undefined);
  assert.equal(decodeCursor(Buffer.from('n:-1').toString('base64url')), undefined);
  assert.equal(decodeCursor(Buffer.from('x:5').toString('base64url')), undefined);
});

test('previews are flattened and cut; images and files are described, not shown', () => {
  assert.equal(preview('hello\n\n  there', 'text'), 'hello there');
  const long = preview('a'.repeat(500), 'text');
  assert.equal(long.length, 140);
  assert.ok(long.endsWith('…'));
  assert.equal(preview('https://x.test/cat.png', 'image'), 'sent an image');
});

test('an SMS fits in one text message; an email says how to change what you get', () => {
  const r = render({ kind: 'mention', senderName: 'alice', groupName: 'Team', preview: 'b'.repeat(300) });
  assert.equal(r.title, 'alice mentioned you in Team');
  assert.ok(r.smsText.length <= 160);
  assert.match(r.emailText, /notification preferences/);
  const removed = render({ kind: 'group', change: 'removed', actorName: 'bob', groupName: 'G' });
  assert.equal(removed.title, 'Removed from G');
});
