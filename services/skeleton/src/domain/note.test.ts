import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseTitle } from './note.ts';

test('normaliseTitle trims and collapses inner whitespace', () => {
  assert.equal(normaliseTitle('  hello \n\t world  '), 'hello world');
});

test('normaliseTitle keeps a clean title unchanged', () => {
  assert.equal(normaliseTitle('hello world'), 'hello world');
});
