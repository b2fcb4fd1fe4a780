import { randomUUID } from 'node:crypto';
import { AppError, DaprError } from '@soulchat/platform';
import { userIdsPage } from '../db/contacts.repository.ts';
import type { NotificationDeps } from './deps.ts';
import { conversation } from './events.ts';
import { type Draft, notifyOnce } from './notify.ts';

export type Audience = { kind: 'all' } | { kind: 'group'; groupId: string };

const batchSize = 500;

const alertDrafts = (alertId: string, userIds: string[], text: { title: string; body: string }): Draft[] =>
  userIds.map((userId) => ({ userId, template: { kind: 'alert', ...text }, data: { alertId } }));

/**
 * A system alert to every known user or to one group's members, stored in batches so a large
 * audience never makes one huge transaction; each batch is applied once.
 */
export async function broadcastAlert(
  deps: NotificationDeps,
  text: { title: string; body: string },
  audience: Audience,
): Promise<{ alertId: string; recipients: number }> {
  const alertId = randomUUID();
  let recipients = 0;
  if (audience.kind === 'group') {
    // Only chat's 404 means "no such group"; a timeout or an open breaker stays a failure.
    const group = await conversation(deps, audience.groupId).catch((err: unknown) => {
      if (err instanceof DaprError && err.status === 404) return undefined;
      throw err;
    });
    if (group?.kind !== 'group') throw new AppError('NOT_FOUND', 'group not found');
    await notifyOnce(deps, `alert:${alertId}`, alertDrafts(alertId, group.memberIds, text));
    return { alertId, recipients: group.memberIds.length };
  }
  for (let after = '', batch = 0; ; batch++) {
    const userIds = await userIdsPage(deps.db, after, batchSize);
    if (userIds.length === 0) break;
    await notifyOnce(deps, `alert:${alertId}:${batch}`, alertDrafts(alertId, userIds, text));
    recipients += userIds.length;
    after = userIds.at(-1) ?? after;
  }
  return { alertId, recipients };
}
