import { blockedWith } from '../db/blocks.repository.ts';
import { sharingAConversation } from '../db/conversations.repository.ts';
import type { Presence } from '../events/presence.ts';
import type { ChatDeps } from './deps.ts';

/**
 * Presence of the users the viewer may see: themselves, and people who share a conversation with
 * them, unless either blocked the other. Others are left out of the answer (not shown offline).
 */
export async function visiblePresence(deps: ChatDeps, presence: Presence, viewerId: string, userIds: string[]) {
  const asked = [...new Set(userIds)];
  const others = asked.filter((id) => id !== viewerId);
  const [sharing, blocked] = await Promise.all([
    sharingAConversation(deps.db, viewerId, others),
    blockedWith(deps.db, viewerId, others),
  ]);
  const visible = asked.filter((id) => id === viewerId || (sharing.has(id) && !blocked.has(id)));
  return presence.read(visible);
}
