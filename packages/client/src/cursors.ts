/**
 * Where a device keeps its sync cursors (the last seq it holds per conversation), so a restarted
 * app asks only for what it missed. Memory by default; a browser app passes an IndexedDB or
 * localStorage one.
 */
export interface CursorStore {
  load(): Promise<Record<string, number>>;
  save(cursors: Record<string, number>): Promise<void>;
}

export function memoryCursorStore(initial: Record<string, number> = {}): CursorStore {
  let saved = { ...initial };
  return {
    load: async () => ({ ...saved }),
    save: async (cursors) => {
      saved = { ...cursors };
    },
  };
}
