import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';

/** A CloudEvent as daprd delivers it to a subscriber route. */
export interface DeliveredEvent<T = unknown> {
  id: string;
  topic: string;
  data: T;
  type?: string;
  traceparent?: string;
}

/** What the handler tells Dapr: done, try again later, or give up on this event. */
export type DeliveryOutcome = 'SUCCESS' | 'RETRY' | 'DROP';

export interface Subscription {
  pubsubname: string;
  topic: string;
  route: string;
  handle: (event: DeliveredEvent, ctx: Context) => Promise<DeliveryOutcome>;
  deadLetterTopic?: string;
  /**
   * Dapr bulk subscribe: the sidecar sends up to maxMessages events per request, waiting at
   * most maxAwaitMs for them; each still gets its own outcome. For high-rate topics.
   */
  bulk?: { maxMessages: number; maxAwaitMs: number };
}

/** What a bulk-subscribe request carries: each entry is one CloudEvent. */
interface BulkDelivery {
  entries: Array<{ entryId: string; event: DeliveredEvent }>;
}

const isBulk = (body: unknown): body is BulkDelivery => Array.isArray((body as BulkDelivery | undefined)?.entries);

/** Handles a bulk request's events one after another (their order is the topic's order). */
async function handleBulk(sub: Subscription, body: BulkDelivery, ctx: Context) {
  const statuses: Array<{ entryId: string; status: DeliveryOutcome }> = [];
  for (const entry of body.entries)
    statuses.push({ entryId: entry.entryId, status: await sub.handle(entry.event, ctx) });
  return { statuses };
}

/** Serves /dapr/subscribe from Koa (no DaprServer/Express) and mounts each handler route. */
export function mountSubscriptions(router: Router, subs: Subscription[], guard: Middleware): void {
  router.get('/dapr/subscribe', guard, (ctx) => {
    ctx.body = subs.map(({ pubsubname, topic, route, deadLetterTopic, bulk }) => ({
      pubsubname,
      topic,
      route,
      ...(deadLetterTopic ? { deadLetterTopic } : {}),
      ...(bulk
        ? {
            bulkSubscribe: {
              enabled: true,
              maxMessagesCount: bulk.maxMessages,
              maxAwaitDurationMs: bulk.maxAwaitMs,
            },
          }
        : {}),
    }));
  });
  for (const sub of subs) {
    router.post(sub.route, guard, async (ctx) => {
      const body: unknown = ctx.request.body;
      if (isBulk(body)) ctx.body = await handleBulk(sub, body, ctx);
      else ctx.body = { status: await sub.handle(body as DeliveredEvent, ctx) };
    });
  }
}
