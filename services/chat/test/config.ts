import { readConfig } from '../src/config.ts';

/**
 * A valid chat configuration for tests that build parts of the service in-process: nothing in
 * it is reached over the network unless the test passes its own values (DATABASE_URL, say).
 */
export function offlineConfig(env: Record<string, string> = {}) {
  return readConfig({
    SERVICE_NAME: 'chat',
    PORT: '1',
    DAPR_HTTP_PORT: '9',
    DAPR_GRPC_PORT: '9',
    APP_API_TOKEN: 'never used in this test',
    DATABASE_URL: 'mysql://nobody:none@127.0.0.1:9/none',
    ...env,
  });
}
