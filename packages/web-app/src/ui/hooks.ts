import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { AppState, Store } from '../state/store.ts';

export const StoreContext = createContext<Store | null>(null);

export function useStore(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error('no store: wrap the app in StoreContext');
  return store;
}

/** The part of the state a component shows; it re-renders when that part changes. */
export function useAppState<T>(pick: (s: AppState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => pick(store.get()));
}

/** The conversation named by the address (#/c/<id>): a reload or an edited URL opens it. */
const routeOf = (hash: string) => /^#\/c\/([A-Za-z0-9_-]{1,36})$/.exec(hash)?.[1] ?? null;

export function useRoute(): string | null {
  const read = () => routeOf(location.hash);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const go = (conversationId: string | null) => {
  location.hash = conversationId ? `#/c/${conversationId}` : '#/';
};
