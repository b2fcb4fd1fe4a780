import { blockedPairs, pairKey } from '../db/blocks.repository.ts';
import { sharingAConversation } from '../db/conversations.repository.ts';
import type { Presence } from '../events/presence.ts';
import type { ChatDeps } from './deps.ts';

/**
 * Presence of the users the viewer may see: themselves, and people who share a conversation with
 * them, unless either blocked the other. Others are left out of the answer (not shown offline).
 */
export async function visiblePresence(deps: ChatDeps, presence: Presence, viewerId: string, userIds: string[]) {
  const others = [...new Set(userIds)].filter((id) => id !== viewerId);
  const [sharing, blocked] = await Promise.all([
    sharingAConversation(deps.db, viewerId, others),
    blockedPairs(
      deps.db,
      others.map((id): [string, string] => [viewerId, id]),
    ),
  ]);
  const visible = [...new Set(userIds)].filter(
    (id) => id === viewerId || (sharing.has(id) && !blocked.has(pairKey(viewerId, id))),
  );
  return presence.read(visible);
}
