import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyChanges, newProfile, toView } from './profile.ts';

const created = new Date('2026-01-01T00:00:00.000Z');
const later = new Date('2026-01-02T00:00:00.000Z');
const base = { ...newProfile('u1', 'ada', 'Ada', created), bio: 'hello', imageUrl: 'https://example.com/a.png' };

test('applyChanges changes only the given fields and stamps the update time', () => {
  const next = applyChanges(base, { displayName: 'Ada L.' }, later);
  assert.deepEqual(next, { ...base, displayName: 'Ada L.', updatedAt: later });
});

test('applyChanges clears bio and image with null, and stores an empty bio as none', () => {
  assert.deepEqual(applyChanges(base, { imageUrl: null, bio: '' }, later), {
    ...base,
    bio: null,
    imageUrl: null,
    updatedAt: later,
  });
});

test('applyChanges reports no change when the values are already those', () => {
  assert.equal(applyChanges(base, { displayName: 'Ada', bio: 'hello' }, later), undefined);
  assert.equal(applyChanges({ ...base, bio: null }, { bio: '' }, later), undefined);
});

test('toView serialises times and carries the counts', () => {
  const view = toView(base, { followers: 3, following: 1 });
  assert.equal(view.createdAt, '2026-01-01T00:00:00.000Z');
  assert.equal(view.followers, 3);
  assert.equal(view.following, 1);
  assert.equal(view.bio, 'hello');
});
