import type { DaprClient, Logger } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { claimDue, markAttemptFailed, markSent } from '../db/deliveries.repository.ts';
import type { Database, DeliveryRow } from '../db/schema.ts';

export interface DeliveryWorkerOptions {
  db: Kysely<Database>;
  dapr: DaprClient;
  log: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  pollMs: number;
  onSent?: (channel: string, outcome: 'sent' | 'retry' | 'failed') => void;
}

const batch = 20;
// Longer than a send can take with Dapr's retries (component timeout 10 s x 3), so a live
// worker never loses its claim mid-send.
const leaseMs = 60_000;

/** The binding request for one email or SMS; both kinds of binding read what they need. */
function bindingRequest(d: DeliveryRow) {
  if (d.channel === 'email') {
    return {
      name: 'email',
      // bindings.smtp reads emailTo/subject; an HTTP email API gets them as X- headers.
      request: {
        operation: 'create',
        data: d.body,
        metadata: { emailTo: d.recipient, subject: d.subject, 'X-Email-To': d.recipient, 'X-Email-Subject': d.subject },
      },
    };
  }
  return {
    name: 'sms',
    request: { operation: 'post', data: { to: d.recipient, text: d.body }, metadata: { 'X-Sms-To': d.recipient } },
  };
}

/**
 * Sends pending emails and SMS through the output bindings, each on its own: a failing provider
 * delays only its own sends (backing off), never the others, and gives up after maxAttempts.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions) {
  const { db, dapr, log } = options;
  let stopped = false;
  let wake: (() => void) | undefined;
  // A nudge during a pass is remembered, so the next pass starts without waiting out pollMs.
  let nudged = false;

  async function send(d: DeliveryRow): Promise<void> {
    const attempts = d.attempts + 1;
    const { name, request } = bindingRequest(d);
    let sent = false;
    try {
      await dapr.invokeBinding(name, request);
      sent = true;
    } catch (err) {
      const message = (err as Error).message;
      const retryAt =
        attempts < options.maxAttempts ? new Date(Date.now() + options.retryBaseMs * 2 ** (attempts - 1)) : undefined;
      await markAttemptFailed(db, d.id, attempts, message, retryAt);
      options.onSent?.(d.channel, retryAt ? 'retry' : 'failed');
      log.warn({ deliveryId: d.id, channel: d.channel, attempts, retryAt, err: message }, 'send failed');
    }
    // Outside the try: a failure to record a send that went out must not send it again.
    if (sent) {
      await markSent(db, d.id, attempts);
      options.onSent?.(d.channel, 'sent');
    }
  }

  async function pass(): Promise<number> {
    const due = await claimDue(db, batch, leaseMs);
    await Promise.all(due.map(send));
    return due.length;
  }

  const loop = (async () => {
    while (!stopped) {
      const sent = await pass().catch((err: unknown) => {
        log.warn({ err }, 'delivery pass failed');
        return 0;
      });
      if (sent === batch || nudged) {
        nudged = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.pollMs).unref();
      });
    }
  })();

  return {
    nudge: () => {
      nudged = true;
      wake?.();
    },
    async stop(): Promise<void> {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
