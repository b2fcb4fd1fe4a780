import { access } from 'node:fs/promises';
import path from 'node:path';
import { createApp, type DaprClient, type Logger } from '@soulchat/platform';
import type Koa from 'koa';
import { staticFiles } from './routes/static.ts';

export interface Deps {
  service: string;
  log: Logger;
  dapr: DaprClient;
  /** The built web app (index.html and assets/). */
  root: string;
}

/** Serves the web app; ready once the bundle is there and the sidecar answers, like every app. */
export function buildApp(deps: Deps): Koa {
  const app = createApp({
    service: deps.service,
    log: deps.log,
    readiness: [
      { name: 'bundle', check: () => access(path.join(deps.root, 'index.html')) },
      { name: 'sidecar', check: () => deps.dapr.healthz() },
    ],
  });
  app.use(staticFiles(deps.root));
  return app;
}
