import { startStatelessService } from '@soulchat/platform';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';

const config = readConfig();
const { log, dapr, serve } = startStatelessService(config);
await serve(buildApp({ service: config.SERVICE_NAME, log, dapr, root: config.WEB_ROOT }));
