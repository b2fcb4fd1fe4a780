import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { encode, NotificationCreatedSchema, newEnvelope, topics } from '@soulchat/contracts';
import { appIds, enqueueEvent, firstDelivery } from '@soulchat/platform';
import type { Transaction } from 'kysely';
import { contactsOf, storedSwitches } from '../db/contacts.repository.ts';
import { insertDelivery } from '../db/deliveries.repository.ts';
import { insertNotification } from '../db/notifications.repository.ts';
import { deletedAmong } from '../db/retention.repository.ts';
import type { Database } from '../db/schema.ts';
import { effectivePreferences } from '../domain/preferences.ts';
import { type Rendered, render, type TemplateInput } from '../domain/templates.ts';
import type { NotificationDeps } from './deps.ts';

/** One notification to one user: what it says and the ids its data carries. */
export interface Draft {
  userId: string;
  template: TemplateInput;
  data: Record<string, string | number>;
}

async function pushInApp(trx: Transaction<Database>, draft: Draft, id: string, sourceId: string, text: Rendered) {
  const createdAt = new Date();
  const stored = await insertNotification(trx, {
    id,
    user_id: draft.userId,
    kind: draft.template.kind,
    title: text.title,
    body: text.body,
    data: JSON.stringify(draft.data),
    source_id: sourceId,
    created_at: createdAt,
    read_at: null,
  });
  if (!stored) return false;
  const eventId = `notification.created:${id}`;
  const event = create(NotificationCreatedSchema, {
    envelope: newEnvelope(topics.notificationCreated, appIds.notification, eventId),
    notificationId: id,
    userId: draft.userId,
    kind: draft.template.kind,
    title: text.title,
    body: text.body,
    dataJson: JSON.stringify(draft.data),
    createdAt: createdAt.toISOString(),
  });
  await enqueueEvent(trx, {
    eventId,
    topic: topics.notificationCreated,
    partitionKey: draft.userId,
    payload: encode(NotificationCreatedSchema, event),
  });
  return true;
}

/**
 * Applies one event (or one batch of an alert) exactly once: each recipient's notification in
 * the app, its real-time push (outbox) and its email and SMS sends, as their preferences say,
 * commit together with the record that the source was handled. Returns false for a redelivery.
 */
export async function notifyOnce(
  deps: NotificationDeps,
  sourceId: string,
  drafts: Draft[],
  prepare?: (trx: Transaction<Database>) => Promise<void>,
): Promise<boolean> {
  const applied = await deps.db.transaction().execute(async (trx) => {
    if (!(await firstDelivery(trx, sourceId))) return false;
    if (prepare) await prepare(trx);
    const userIds = [...new Set(drafts.map((d) => d.userId))];
    const [switches, contacts, deleted] = await Promise.all([
      storedSwitches(trx, userIds),
      contactsOf(trx, userIds),
      deletedAmong(trx, userIds),
    ]);
    // A deleted user is told nothing (an event about them may arrive after their deletion).
    for (const draft of drafts.filter((d) => !deleted.has(d.userId))) {
      const wants = effectivePreferences(switches.get(draft.userId) ?? [])[draft.template.kind];
      const contact = contacts.get(draft.userId);
      const text = render(draft.template);
      const id = randomUUID();
      if (wants.in_app && !(await pushInApp(trx, draft, id, sourceId, text))) continue;
      const base = { user_id: draft.userId, notification_id: id, subject: text.emailSubject };
      if (wants.email && contact?.email) {
        await insertDelivery(trx, { ...base, channel: 'email', recipient: contact.email, body: text.emailText });
      }
      if (wants.sms && contact?.phone) {
        await insertDelivery(trx, { ...base, channel: 'sms', recipient: contact.phone, body: text.smsText });
      }
    }
    return true;
  });
  if (applied) deps.nudge();
  return applied;
}
