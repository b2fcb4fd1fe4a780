import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ChatSignalSchema, encode, topics } from '@soulchat/contracts';
import {
  closeServer,
  components,
  listen,
  onShutdown,
  outboxMetrics,
  startOutboxRelay,
  startService,
} from '@soulchat/platform';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { messagesBetween } from './db/messages.repository.ts';
import type { Database } from './db/schema.ts';
import { toView } from './domain/message.ts';
import type { MessageView } from './domain/protocol.ts';
import { createPresence } from './events/presence.ts';
import { subscriptions } from './events/subscriptions.ts';
import { createChatMetrics } from './metrics.ts';
import { createSender } from './use-cases/send.ts';
import { handleFrame } from './ws/handlers.ts';
import { Hub } from './ws/hub.ts';
import { attachSocketServer } from './ws/server.ts';

const config = readConfig();
const base = await startService<Database>(config, {
  migrations: path.join(import.meta.dirname, 'db/migrations'),
  instance: config.INSTANCE_NAME,
  poolSize: 20,
  inbox: true,
});
const { log, db, dapr } = base;
const verifier = base.verifier();
const hub = new Hub();
const metrics = createChatMetrics(hub);
const relay = startOutboxRelay({
  db,
  dapr,
  pubsub: components.pubsub,
  log,
  // Every local write nudges the relay; the poll only finds what another instance left behind.
  intervalMs: 1000,
  lingerMs: config.RELAY_LINGER_MS,
  onPublished: (event, publishSeconds) => {
    if (event.topic !== topics.messageCreated) return;
    metrics.stage('publish', publishSeconds);
    metrics.stage('relayed', (Date.now() - event.recordedAt.getTime()) / 1000);
  },
});
const nudgeRelay = relay.nudge;
const core = {
  db,
  dapr,
  log,
  config,
  nudgeRelay,
  messageStored: metrics.messageStored,
  stage: metrics.stage,
  // After the sender's ack has been written (it is queued in this turn's promise jobs).
  deliverLocally: (message: MessageView, memberIds: string[]) =>
    setImmediate(() => void hub.deliver(message, memberIds, true)),
};
const sends = createSender(core, {
  concurrency: config.SEND_BATCH_CONCURRENCY,
  maxBatch: config.SEND_BATCH_MAX,
  lingerMs: config.SEND_LINGER_MS,
});
const deps = { ...core, sends };
const presence = createPresence(dapr, log, config.INSTANCE_NAME);
const publishSignal = async (s: {
  conversationId: string;
  userId: string;
  kind: 'typing' | 'read';
  seq: number;
  memberIds: string[];
}) => {
  const signal = create(ChatSignalSchema, { ...s, seq: BigInt(s.seq) });
  await dapr.publish(components.fanout, topics.chatSignal, encode(ChatSignalSchema, signal), {
    partitionKey: s.conversationId,
  });
};

const app = buildApp({
  ...deps,
  verifier,
  presence,
  subscriptions: subscriptions(hub, db, log, metrics.stage),
  metrics: [...metrics.all, ...outboxMetrics(db)],
});
const server = await listen(app, config.PORT);
const sockets = attachSocketServer(server, {
  config,
  log,
  hub,
  verifier,
  fetchRange: async (conversationId, after, until) =>
    (await messagesBetween(db, conversationId, after, until, until - after)).map(toView),
  onFrame: (conn, text) => handleFrame({ ...deps, publishSignal }, conn, text),
  onPresence: (userId, online) => (online ? presence.online([userId]) : presence.offline(userId)),
});
// Connected users stay online while their devices are here; the TTL covers a crash.
const presenceRefresh = setInterval(() => presence.online(hub.userIds()), (presence.ttlSeconds * 1000) / 3);
presenceRefresh.unref();
log.info({ port: config.PORT }, 'listening');

onShutdown(log, config.SHUTDOWN_GRACE_MS, [
  () => sockets.close(),
  closeServer(server),
  () => relay.stop(),
  () => db.destroy(),
  () => base.telemetry.shutdown(),
]);
