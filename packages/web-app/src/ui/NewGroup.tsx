import { type FormEvent, useState } from 'react';
import type { Person } from '../state/api.ts';
import { describeError } from '../state/words.ts';
import { go, useStore } from './hooks.ts';

export function NewGroup(props: { onCreated: () => void }) {
  const store = useStore();
  const [chosen, setChosen] = useState<Person[]>([]);
  const [found, setFound] = useState<Person[]>([]);
  const [error, setError] = useState<string | null>(null);

  const find = async (text: string) => {
    setError(null);
    try {
      setFound(text.trim() ? (await store.api.searchPeople(text.trim())).items : []);
    } catch (err) {
      setError(describeError(err));
    }
  };
  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '');
    setError(null);
    try {
      const group = await store.api.createGroup(
        name,
        chosen.map((p) => p.userId),
      );
      await store.refreshConversations();
      props.onCreated();
      go(group.id);
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <form className="new-group" aria-label="New group" onSubmit={(e) => void create(e)}>
      <label>
        Group name
        <input name="name" required maxLength={100} />
      </label>
      <label>
        Add people (name starts with)
        <input name="who" maxLength={50} onChange={(e) => void find(e.currentTarget.value)} />
      </label>
      <ul className="people" aria-label="People to add">
        {found.map((p) => (
          <li key={p.userId}>
            <label className="check">
              <input
                type="checkbox"
                checked={chosen.some((c) => c.userId === p.userId)}
                onChange={(e) =>
                  setChosen(e.currentTarget.checked ? [...chosen, p] : chosen.filter((c) => c.userId !== p.userId))
                }
              />
              <span dir="auto">
                {p.displayName} <span className="muted">@{p.username}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {chosen.length > 0 && <p>Members: {chosen.map((p) => p.displayName).join(', ')}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Create group</button>
    </form>
  );
}
