import { components, type DaprClient, type Logger } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { claimDue, markAttemptFailed, markSent, nextDueAt } from '../db/deliveries.repository.ts';
import type { Database, DeliveryRow } from '../db/schema.ts';

export interface DeliveryWorkerOptions {
  db: Kysely<Database>;
  dapr: DaprClient;
  log: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  /**
   * The longest sleep between passes. The worker wakes when the next send falls due and when
   * this replica records one (nudge); the poll is only the safety net for sends another
   * replica recorded and then died before sending.
   */
  pollMs: number;
  onSent?: (channel: string, outcome: 'sent' | 'retry' | 'failed') => void;
}

const batch = 20;
// Longer than a send can take with Dapr's retries (component timeout 10 s x 3), so a live
// worker never loses its claim mid-send.
const leaseMs = 60_000;
// A send found due but not claimable (its row changed in between) is not spun on.
const minWaitMs = 20;
// A pass or due-time lookup that failed (database down) is tried again this soon.
const failedPassRetryMs = 1_000;

/** How long to sleep until `due` (the earliest pending send), at most `pollMs`. */
export function waitUntilDue(due: Date | undefined, now: number, pollMs: number): number {
  if (!due) return pollMs;
  // +1: claimDue takes a row only once its claim ended strictly before now.
  return Math.min(pollMs, Math.max(minWaitMs, due.getTime() - now + 1));
}

/** The binding request for one email or SMS; both kinds of binding read what they need. */
function bindingRequest(d: DeliveryRow) {
  if (d.channel === 'email') {
    return {
      name: components.email,
      // bindings.smtp reads emailTo/subject; an HTTP email API gets them as X- headers.
      request: {
        operation: 'create',
        data: d.body,
        metadata: { emailTo: d.recipient, subject: d.subject, 'X-Email-To': d.recipient, 'X-Email-Subject': d.subject },
      },
    };
  }
  return {
    name: components.sms,
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
  // A nudge during a pass is remembered, so the next pass starts without waiting.
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

  /** The wait before the next pass; a failure to look it up is retried soon, like a failed pass. */
  async function waitAfterPass(failed: boolean): Promise<number> {
    const retry = Math.min(options.pollMs, failedPassRetryMs);
    if (failed) return retry;
    try {
      return waitUntilDue(await nextDueAt(db), Date.now(), options.pollMs);
    } catch (err) {
      log.warn({ err }, 'looking up the next due send failed');
      return retry;
    }
  }

  /** Sleeps `ms`, or less if nudged (also by a nudge that came while the wait was worked out). */
  function sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (nudged || stopped) return resolve();
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  const loop = (async () => {
    while (!stopped) {
      // Whatever was recorded before this pass starts, the pass sees; a later nudge sets it again.
      nudged = false;
      const sent = await pass().catch((err: unknown) => {
        log.warn({ err }, 'delivery pass failed');
        return -1;
      });
      if (sent === batch || nudged) continue;
      await sleep(await waitAfterPass(sent < 0));
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
