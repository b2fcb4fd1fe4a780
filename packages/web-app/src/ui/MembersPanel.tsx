import { useState } from 'react';
import type { Person } from '../state/api.ts';
import { useAppState, useStore } from './hooks.ts';
import { nameOf } from './names.ts';

export function MembersPanel(props: { id: string }) {
  const store = useStore();
  const state = useAppState((s) => s);
  const detail = state.details[props.id];
  const [found, setFound] = useState<Person[]>([]);
  if (!detail) return null;
  const myRole = detail.members.find((m) => m.userId === state.me?.id)?.role ?? 'member';
  const manage = myRole !== 'member';
  const act = (work: () => Promise<unknown>) =>
    void work()
      .then(() => store.loadDetail(props.id))
      .catch((err: unknown) => store.fail(err));

  return (
    <section className="members" aria-label="Members">
      <ul>
        {detail.members.map((m) => (
          <li key={m.userId}>
            <span dir="auto">{nameOf(state, m.userId)}</span> <span className="muted">{m.role}</span>
            {myRole === 'owner' && m.role !== 'owner' && (
              <button
                type="button"
                onClick={() =>
                  act(() => store.api.setRole(props.id, m.userId, m.role === 'admin' ? 'member' : 'admin'))
                }
              >
                {m.role === 'admin' ? 'Make member' : 'Make admin'}
              </button>
            )}
            {manage && m.role !== 'owner' && m.userId !== state.me?.id && (
              <button type="button" onClick={() => act(() => store.api.removeMember(props.id, m.userId))}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {manage && (
        <label>
          Add someone (name starts with)
          <input
            maxLength={50}
            onChange={(e) => {
              const text = e.currentTarget.value.trim();
              void (text ? store.api.searchPeople(text).then((r) => setFound(r.items)) : Promise.resolve(setFound([])));
            }}
          />
        </label>
      )}
      <ul>
        {found
          .filter((p) => !detail.members.some((m) => m.userId === p.userId))
          .map((p) => (
            <li key={p.userId}>
              <span dir="auto">{p.displayName}</span>
              <button type="button" onClick={() => act(() => store.api.addMember(props.id, p.userId))}>
                Add
              </button>
            </li>
          ))}
      </ul>
      {state.me && myRole !== 'owner' && (
        <button type="button" onClick={() => act(() => store.api.removeMember(props.id, state.me?.id ?? ''))}>
          Leave group
        </button>
      )}
    </section>
  );
}
