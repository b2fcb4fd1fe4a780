import { type FormEvent, useState } from 'react';
import type { Person, Relationship } from '../state/api.ts';
import { describeError } from '../state/words.ts';
import { go, useStore } from './hooks.ts';

export function PeopleSearch() {
  const store = useStore();
  const [results, setResults] = useState<Person[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    if (!text) return;
    setError(null);
    try {
      setResults((await store.api.searchPeople(text)).items);
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section aria-label="Find people">
      <search>
        <form onSubmit={(e) => void search(e)}>
          <label>
            Name or username starts with
            <input name="q" maxLength={50} />
          </label>
          <button type="submit">Search</button>
        </form>
      </search>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {results?.length === 0 && <p className="empty">Nobody found.</p>}
      <ul className="people" aria-label="Search results">
        {results?.map((p) => (
          <PersonRow key={p.userId} person={p} />
        ))}
      </ul>
    </section>
  );
}

function PersonRow(props: { person: Person }) {
  const store = useStore();
  const { person } = props;
  const [relation, setRelation] = useState<Relationship | null>(null);
  const [error, setError] = useState<string | null>(null);

  const attempt = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(describeError(err));
    }
  };
  const load = () => attempt(async () => setRelation(await store.api.relationship(person.userId)));
  const toggle = (what: 'follow' | 'block', on: boolean) =>
    attempt(async () => {
      await store.api.setRelation(person.userId, what, on);
      setRelation(await store.api.relationship(person.userId));
    });
  const message = () =>
    attempt(async () => {
      const conversation = await store.api.openDirect(person.userId);
      await store.refreshConversations();
      go(conversation.id);
    });

  return (
    <li className="person" data-testid="person">
      <span dir="auto">
        <strong>{person.displayName}</strong> <span className="muted">@{person.username}</span>
      </span>
      <span className="actions">
        <button type="button" onClick={() => void message()}>
          Message
        </button>
        {relation ? (
          <>
            <button type="button" onClick={() => void toggle('follow', !relation.following)}>
              {relation.following ? 'Unfollow' : 'Follow'}
            </button>
            <button type="button" onClick={() => void toggle('block', !relation.blocking)}>
              {relation.blocking ? 'Unblock' : 'Block'}
            </button>
          </>
        ) : (
          <button type="button" onClick={() => void load()}>
            More…
          </button>
        )}
      </span>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
