import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canManage, directKey } from './conversation.ts';
import { contentProblem, uploadProblem, withinEditWindow } from './message.ts';
import { parseClientFrame } from './protocol.ts';

test('a pair has one direct key whichever side starts', () => {
  assert.equal(directKey('b', 'a'), directKey('a', 'b'));
  assert.notEqual(directKey('a', 'b'), directKey('a', 'c'));
});

test('roles: owners manage admins, admins manage only members, members manage nobody', () => {
  assert.equal(canManage('owner', 'admin'), true);
  assert.equal(canManage('admin', 'admin'), false);
  assert.equal(canManage('admin', 'member'), true);
  assert.equal(canManage('admin', undefined, 'admin'), false);
  assert.equal(canManage('member', 'member'), false);
  assert.equal(canManage('owner', 'owner'), false);
});

test('frames: bad JSON, unknown types and invalid fields are told apart', () => {
  assert.deepEqual(parseClientFrame('{'), { code: 'BAD_FRAME', message: 'frame is not valid JSON' });
  assert.equal((parseClientFrame('{"v":1,"type":"dance"}') as { code: string }).code, 'UNKNOWN_TYPE');
  assert.equal(
    (parseClientFrame('{"v":1,"type":"send","conversationId":"c"}') as { code: string }).code,
    'VALIDATION_FAILED',
  );
  const ok = parseClientFrame('{"v":1,"type":"send","conversationId":"c","clientMsgId":"m1","content":"hi"}');
  assert.ok('frame' in ok && ok.frame.type === 'send' && ok.frame.kind === 'text');
});

test('message content rules', () => {
  assert.equal(contentProblem('text', 'hi', false, 10), undefined);
  assert.match(contentProblem('text', '   ', false, 10) ?? '', /needs content/);
  assert.match(contentProblem('text', 'x'.repeat(11), false, 10) ?? '', /longer/);
  assert.match(contentProblem('image', '', false, 10) ?? '', /needs an attachment/);
  assert.match(contentProblem('text', 'hi', true, 10) ?? '', /no attachment/);
  assert.equal(contentProblem('file', '', true, 10), undefined);
  const pdf = {
    mediaId: 'm',
    kind: 'file',
    mimeType: 'application/pdf',
    name: 'a.pdf',
    size: 10,
    width: 0,
    height: 0,
    hasThumbnail: false,
  } as const;
  assert.match(uploadProblem('image', pdf) ?? '', /needs an image; that upload is a application\/pdf/);
  assert.equal(uploadProblem('file', pdf), undefined);
  assert.equal(uploadProblem('image', { ...pdf, kind: 'image', mimeType: 'image/png' }), undefined);
});

test('the edit window closes after its length', () => {
  const sent = new Date(0);
  assert.equal(withinEditWindow(sent, new Date(60_000), 60), true);
  assert.equal(withinEditWindow(sent, new Date(60_001), 60), false);
});
