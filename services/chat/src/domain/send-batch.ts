/**
 * How concurrent sends are grouped into one database transaction (pure: no I/O). A batch takes
 * queued sends in arrival order, skipping conversations that a batch in flight is storing, so
 * one instance stores each conversation's sends in the order they arrived.
 */
export function takeBatch<T extends { conversationId: string }>(queue: T[], busy: Set<string>, max: number): T[] {
  const batch: T[] = [];
  const rest: T[] = [];
  for (const item of queue) {
    if (batch.length < max && !busy.has(item.conversationId)) batch.push(item);
    else rest.push(item);
  }
  queue.splice(0, queue.length, ...rest);
  return batch;
}

/** How many sequence numbers each conversation of a batch needs. */
export function seqCounts(conversationIds: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of conversationIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * The sequence number of each send, in batch order: a conversation that reserved n numbers and
 * now ends at `last` hands out last-n+1 ... last.
 */
export function assignSeqs(conversationIds: string[], lastAfterReserve: Map<string, number>): number[] {
  const counts = seqCounts(conversationIds);
  const next = new Map<string, number>();
  for (const [id, n] of counts) next.set(id, (lastAfterReserve.get(id) ?? n) - n + 1);
  return conversationIds.map((id) => {
    const seq = next.get(id) ?? 1;
    next.set(id, seq + 1);
    return seq;
  });
}
