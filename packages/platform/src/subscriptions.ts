import type Router from '@koa/router';
import type { Context } from 'koa';
import { requireSidecar } from './app-token.ts';

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
}

/** Serves /dapr/subscribe from Koa (no DaprServer/Express) and mounts each handler route. */
export function mountSubscriptions(router: Router, subs: Subscription[], appApiToken: string | undefined): void {
  const guard = requireSidecar(appApiToken);
  router.get('/dapr/subscribe', guard, (ctx) => {
    ctx.body = subs.map(({ pubsubname, topic, route, deadLetterTopic }) => ({
      pubsubname,
      topic,
      route,
      ...(deadLetterTopic ? { deadLetterTopic } : {}),
    }));
  });
  for (const sub of subs) {
    router.post(sub.route, guard, async (ctx) => {
      const event = ctx.request.body as DeliveredEvent;
      ctx.body = { status: await sub.handle(event, ctx) };
    });
  }
}
