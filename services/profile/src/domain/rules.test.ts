import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bioRule, displayNameRule, hasControlCharacter, userIdRule, usernameRule } from './rules.ts';

const ok = (rule: { safeParse(v: unknown): { success: boolean } }, value: unknown) => rule.safeParse(value).success;

test('user ids are 1 to 36 url-safe characters', () => {
  assert.ok(ok(userIdRule, '0b6f3c1e-8d4a-4c7e-9f10-2a3b4c5d6e7f'));
  assert.ok(ok(userIdRule, 'a'));
  assert.ok(!ok(userIdRule, ''));
  assert.ok(!ok(userIdRule, 'x'.repeat(37)));
  assert.ok(!ok(userIdRule, 'a/b'));
  assert.ok(!ok(userIdRule, 'a b'));
  assert.ok(!ok(userIdRule, 42));
});

test('usernames are 3 to 32 letters, digits or underscores', () => {
  assert.ok(ok(usernameRule, 'ada_99'));
  assert.ok(ok(usernameRule, 'x'.repeat(32)));
  assert.ok(!ok(usernameRule, 'ab'));
  assert.ok(!ok(usernameRule, 'x'.repeat(33)));
  assert.ok(!ok(usernameRule, 'ada-lovelace'));
  assert.ok(!ok(usernameRule, 'adà'));
});

test('display names are trimmed, then 1 to 50 characters on one line', () => {
  assert.equal(displayNameRule.parse('  Ada Lovelace '), 'Ada Lovelace');
  assert.ok(ok(displayNameRule, 'x'.repeat(50)));
  assert.ok(!ok(displayNameRule, 'x'.repeat(51)));
  assert.ok(!ok(displayNameRule, '   '));
  assert.ok(!ok(displayNameRule, 'two\nlines'));
  assert.ok(!ok(displayNameRule, 'bell\u0007'));
});

test('display names count emoji as one character each, as the column does', () => {
  assert.ok(ok(displayNameRule, '😀'.repeat(50)));
  assert.ok(!ok(displayNameRule, '😀'.repeat(51)));
});

test('display names refuse bidi overrides and invisible-only text', () => {
  assert.ok(!ok(displayNameRule, 'admin\u202egnp.exe'));
  assert.ok(!ok(displayNameRule, '\u200b\u200b'));
  assert.ok(ok(displayNameRule, 'Zoë 🌱'));
});

test('a bio may hold line breaks but no other control characters and at most 500 characters', () => {
  assert.ok(ok(bioRule, 'line one\nline two\ttabbed'));
  assert.ok(ok(bioRule, ''));
  assert.ok(ok(bioRule, 'x'.repeat(500)));
  assert.ok(!ok(bioRule, 'x'.repeat(501)));
  assert.ok(ok(bioRule, '🌱'.repeat(500)));
  assert.ok(!ok(bioRule, 'nul\u0000'));
});

test('hasControlCharacter sees C0 and C1 controls unless allowed', () => {
  assert.equal(hasControlCharacter('plain 😀 text'), false);
  assert.equal(hasControlCharacter('a\u009bb'), true);
  assert.equal(hasControlCharacter('a\nb', '\n'), false);
});
