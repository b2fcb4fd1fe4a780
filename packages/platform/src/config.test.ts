import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseConfigSchema, ConfigError, loadConfig } from './config.ts';

const valid = { SERVICE_NAME: 'svc', PORT: '7000', DAPR_HTTP_PORT: '3500', DAPR_GRPC_PORT: '50001' };

test('parses and freezes a valid environment, applying defaults', () => {
  const config = loadConfig(baseConfigSchema, valid);
  assert.equal(config.PORT, 7000);
  assert.equal(config.LOG_LEVEL, 'info');
  assert.ok(Object.isFrozen(config));
});

test('names every missing or invalid variable', () => {
  assert.throws(
    () => loadConfig(baseConfigSchema, { ...valid, PORT: 'seventy', SERVICE_NAME: undefined }),
    (err: unknown) => err instanceof ConfigError && /PORT/.test(err.message) && /SERVICE_NAME/.test(err.message),
  );
});

test('refuses an API token too short to be a secret', () => {
  assert.throws(() => loadConfig(baseConfigSchema, { ...valid, DAPR_API_TOKEN: 'short' }), ConfigError);
});
