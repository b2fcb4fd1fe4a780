import path from 'node:path';
import { parseCommandLine } from '../command-line.ts';
import { startStack } from './stack.ts';
import { restartOnExit } from './watchdog.ts';

const usage = `usage: npm start [-- options]   (or node --import tsx tools/stack/cli.ts [options])

Runs the whole stack (infrastructure, every app with its Dapr sidecar, the Envoy ingress) until Ctrl-C.

  --profile NAME        Dapr component profile (components/<NAME>; default from stack.json)
  --port-offset N       add N to every port, to run beside another stack (default 0)
  --run-dir DIR         where data, logs and configs go (default .run/dev)
  --apps a,b            start only these app ids
  --observability       Jaeger and Prometheus too (npm start --observability)
  -h, --help            this text`;

const { values } = parseCommandLine(
  {
    options: {
      profile: { type: 'string' },
      'port-offset': { type: 'string', default: '0' },
      'run-dir': { type: 'string' },
      /** A comma list of app ids to start instead of all of stack.json's. */
      apps: { type: 'string' },
      /** Jaeger and Prometheus beside the stack; `npm start --observability` arrives as npm_config_. */
      observability: { type: 'boolean', default: process.env.npm_config_observability === 'true' },
    },
  },
  usage,
);

const log = (message: string) => console.log(`[stack] ${message}`);
const started = Date.now();
try {
  const stack = await startStack({
    portOffset: Number(values['port-offset']),
    ...(values.profile ? { profile: values.profile } : {}),
    // Absolute: MariaDB and others run with other working directories.
    ...(values['run-dir'] ? { runDir: path.resolve(values['run-dir']) } : {}),
    ...(values.apps ? { onlyApps: values.apps.split(',') } : {}),
    observability: values.observability,
    progress: log,
  });
  const { info } = stack;
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s (profile ${info.topology.profile})`);
  // Per-instance ports are for debugging; clients use the ingress.
  for (const app of info.apps) {
    log(`  ${app.instance}: http://127.0.0.1:${app.port}  (dapr http ${app.daprHttpPort}, grpc ${app.daprGrpcPort})`);
  }
  if (info.ingress) {
    log(`envoy admin (local only): ${info.ingress.adminUrl}  access log: ${info.ingress.accessLog}`);
    log(
      `SoulChat: ${info.ingress.url}/  (the web app; the API and the WebSocket ${info.ingress.url.replace('http', 'ws')}/ws there too)`,
    );
  }
  if (info.telemetry) {
    log(
      `traces (Jaeger UI): ${info.telemetry.jaegerQueryUrl}  metrics (Prometheus): ${info.telemetry.prometheusUrl ?? ''}`,
    );
  }
  log(`logs: ${stack.supervisor.logDir}`);
  // A process that dies is reported and started again (with backoff) until Ctrl-C.
  const watchdog = restartOnExit(stack.supervisor, log);
  log('press Ctrl-C to stop everything');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping every process`);
    watchdog.stop();
    await stack.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (err) {
  console.error(`[stack] failed: ${(err as Error).message}`);
  process.exit(1);
}
