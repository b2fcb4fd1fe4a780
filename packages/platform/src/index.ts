export { requireSidecar } from './app-token.ts';
export { appIds, tokenAudience, tokenIssuer } from './apps.ts';
export {
  type AuthenticatedUser,
  type AuthState,
  callerOf,
  createTokenVerifier,
  type TokenVerifier,
} from './auth.ts';
export { components } from './components.ts';
export { type BaseConfig, baseConfigSchema, ConfigError, loadConfig } from './config.ts';
export {
  type BulkEntry,
  createDaprClient,
  type DaprClient,
  DaprError,
  EtagMismatchError,
  type InvokeResult,
  type StateItem,
} from './dapr.ts';
export {
  createDatabase,
  inOneTrip,
  migrateToLatest,
  pingDatabase,
  type TripResults,
  type TripTransaction,
  transactionInTrips,
} from './db.ts';
export {
  AppError,
  conflict,
  type ErrorCode,
  errorMiddleware,
  forbidden,
  notFound,
  rateLimited,
  unauthorized,
} from './errors.ts';
export { consumeEvents, type EventConsumer, eventsHandled } from './events.ts';
export { mountHealth, type ReadinessCheck } from './health.ts';
export {
  firstDelivery,
  type InboxDb,
  type ProcessedEventsTable,
  pruneProcessedEvents,
  startInboxPruner,
} from './inbox.ts';
export { createLogger, type Logger } from './logger.ts';
export { type AttachMedia, attachMedia } from './media-client.ts';
export { createHttpMetrics, domainCounter, domainGauge, domainHistogram, type Metric } from './metrics.ts';
export { characterCount, displayNameRule, hasControlCharacter, userIdRule, usernameRule } from './names.ts';
export { type OpenApiDocument, routeDrift } from './openapi.ts';
export {
  enqueueEvent,
  enqueueEvents,
  type OutboxDb,
  type OutboxRelay,
  type OutboxTable,
  type OutgoingEvent,
  outboxInsert,
  outboxMetrics,
  type ParkedEvent,
  parkedEvents,
  replayParked,
  startOutboxRelay,
} from './outbox.ts';
export { type Bucket, createRateLimiter, type RateLimiterOptions, take } from './rate-limit.ts';
export { type Route, type RouteGuards, type RouteInput, route, setResponseChecks } from './routes.ts';
export { closeServer, createApp, listen, onShutdown, openApiDocumentOf } from './server.ts';
export { type ServiceBase, type StatelessServiceBase, startService, startStatelessService } from './service.ts';
export { type DeliveredEvent, type DeliveryOutcome, mountSubscriptions, type Subscription } from './subscriptions.ts';
export { activeTraceIds, startTelemetry, type Telemetry, traceHeaders, withTraceParent } from './telemetry.ts';
export { inUseCase } from './tracing.ts';
export { parseInput, readContract } from './validate.ts';
export { defineWorkflow, type WorkflowBody } from './workflow.ts';
export { superviseWorkflowRuntime } from './workflow-supervisor.ts';
