/// <reference lib="dom" />
import type { CursorStore } from './cursors.ts';
import type { TokenStore, Tokens } from './session.ts';

/** A session that survives a page reload: the tokens in localStorage under `key`. */
export function browserTokenStore(key = 'soulchat.session', storage: Storage = globalThis.localStorage): TokenStore {
  return {
    load() {
      const text = storage.getItem(key);
      if (!text) return null;
      try {
        return JSON.parse(text) as Tokens;
      } catch {
        return null;
      }
    },
    save(tokens) {
      if (tokens) storage.setItem(key, JSON.stringify(tokens));
      else storage.removeItem(key);
    },
  };
}

const storeName = 'cursors';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Sync cursors in IndexedDB (database `name`), one record per conversation, so a reopened app
 * asks only for what it missed. Writes replace the whole set in one transaction.
 */
export function indexedDbCursorStore(name = 'soulchat', factory: IDBFactory = globalThis.indexedDB): CursorStore {
  let opened: Promise<IDBDatabase> | undefined;
  const database = () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(storeName);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return opened;
  };
  return {
    async load() {
      const store = (await database()).transaction(storeName, 'readonly').objectStore(storeName);
      const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
      return Object.fromEntries(keys.map((k, i) => [String(k), Number(values[i])]));
    },
    async save(cursors) {
      const tx = (await database()).transaction(storeName, 'readwrite');
      const store = tx.objectStore(storeName);
      store.clear();
      for (const [id, seq] of Object.entries(cursors)) store.put(seq, id);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    },
  };
}
