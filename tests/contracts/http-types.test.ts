/**
 * The client's HTTP types (packages/client/src/gen) are what the running services document, so a
 * route whose schema changed without `npm run generate:http-types` fails here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generate, generatedFile, staleFiles } from '../../tools/http-types.ts';
import { sharedStack } from '../harness/stack.ts';

const ingress = sharedStack().ingress?.url ?? '';

test('the generated client types match the documents the services serve through the ingress', async () => {
  assert.deepEqual(await staleFiles(ingress), [], 'run npm run generate:http-types against a running stack');
});

test('the types describe answers, and leave out what only sidecars may call', async () => {
  const chat = await generate(ingress, 'chat');
  assert.match(chat, /"\/conversations\/\{id\}\/messages": \{/);
  assert.match(chat, /unread: number/, 'the conversation list answer is typed');
  assert.doesNotMatch(chat, /\/internal\/|\/events\//);
  assert.ok(generatedFile('chat').endsWith('packages/client/src/gen/chat.ts'));
});
