import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseEmail, parseRoles } from './account.ts';

test('emails differing only in case or surrounding space normalise alike', () => {
  assert.equal(normaliseEmail('  Alice@Example.COM '), normaliseEmail('alice@example.com'));
});

test('roles parse from a comma list, ignoring blanks', () => {
  assert.deepEqual(parseRoles('user, admin,,'), ['user', 'admin']);
});
