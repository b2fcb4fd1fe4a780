import type { AppState } from '../state/store.ts';

/** A group's name, or for a direct conversation the other person's display name. */
export function titleOf(state: AppState, conversationId: string): string {
  const summary = state.conversations.find((c) => c.id === conversationId);
  const detail = state.details[conversationId];
  const kind = summary?.kind ?? detail?.kind;
  if (kind === 'group') return summary?.name || detail?.name || 'Group';
  const other = detail?.members.find((m) => m.userId !== state.me?.id)?.userId;
  return (other && state.people[other]?.displayName) || 'Direct conversation';
}

/** The other member of a direct conversation (for presence), if known. */
export function peerOf(state: AppState, conversationId: string): string | undefined {
  const detail = state.details[conversationId];
  if (detail?.kind !== 'direct') return undefined;
  return detail.members.find((m) => m.userId !== state.me?.id)?.userId;
}

export const nameOf = (state: AppState, userId: string) => state.people[userId]?.displayName ?? 'Someone';
