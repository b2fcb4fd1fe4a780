import { blockedWith } from '../db/blocks.repository.ts';
import { sharingAConversation } from '../db/conversations.repository.ts';
import type { Presence } from '../events/presence.ts';
import { mutualFollowers } from './access.ts';
import type { ChatDeps } from './deps.ts';

/**
 * Presence of the users the viewer may see: themselves, people who share a conversation with
 * them and people they follow who follow them back, unless either blocked the other. Others are
 * left out of the answer (not shown offline). Profile is asked only about the ones sharing nothing.
 */
export async function visiblePresence(deps: ChatDeps, presence: Presence, viewerId: string, userIds: string[]) {
  const asked = [...new Set(userIds)];
  const others = asked.filter((id) => id !== viewerId);
  const [sharing, blocked] = await Promise.all([
    sharingAConversation(deps.db, viewerId, others),
    blockedWith(deps.db, viewerId, others),
  ]);
  const unblocked = others.filter((id) => !blocked.has(id));
  const following = await mutualFollowers(
    deps.dapr,
    viewerId,
    unblocked.filter((id) => !sharing.has(id)),
  );
  const visible = new Set([viewerId, ...unblocked.filter((id) => sharing.has(id) || following.has(id))]);
  return presence.read(asked.filter((id) => visible.has(id)));
}
