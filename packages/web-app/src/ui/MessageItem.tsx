import { useState } from 'react';
import type { ChatMessage } from '../state/timeline.ts';
import { useAppState, useStore } from './hooks.ts';
import { MessageAttachment } from './MediaAttachment.tsx';

const quickReaction = '👍';

export function MessageItem(props: { message: ChatMessage; mine: boolean; sender: string; seen: boolean }) {
  const { message: m, mine } = props;
  const store = useStore();
  const me = useAppState((s) => s.me?.id ?? '');
  const [editing, setEditing] = useState(false);
  const act = (work: Promise<unknown>) => void work.catch((err: unknown) => store.fail(err));
  const reacted = m.reactions[quickReaction]?.includes(me) ?? false;

  return (
    <li className={mine ? 'message mine' : 'message'} data-testid="message" data-seq={m.pending ? '' : m.seq}>
      <p className="meta">
        <span className="sender">{mine ? 'You' : props.sender}</span>{' '}
        <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString()}</time>
        {m.editedAt && !m.deleted && <span className="muted"> (edited)</span>}
      </p>
      {m.deleted ? (
        <p className="content muted">Message deleted</p>
      ) : editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const text = String(new FormData(e.currentTarget).get('content') ?? '');
            act(store.api.edit(m.id, text).then(() => setEditing(false)));
          }}
        >
          <label className="visually-hidden" htmlFor={`edit-${m.id}`}>
            Edit message
          </label>
          <textarea id={`edit-${m.id}`} name="content" defaultValue={m.content} dir="auto" />
          <button type="submit">Save</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <MessageAttachment message={m} />
          {/* An image or a file may come without a caption. */}
          {(m.kind === 'text' || m.content !== '') && (
            <p className="content" dir="auto" data-testid="content">
              {m.content}
            </p>
          )}
        </>
      )}
      {Object.entries(m.reactions)
        .filter(([, who]) => who.length > 0)
        .map(([emoji, who]) => (
          <span key={emoji} className="reaction">
            {emoji} {who.length}
          </span>
        ))}
      <p className="state">
        {m.failed ? (
          <span className="error" role="alert">
            Not sent: {m.failed}
          </span>
        ) : m.pending ? (
          <span className="muted">Sending…</span>
        ) : props.seen ? (
          <span className="muted" data-testid="seen">
            Seen
          </span>
        ) : null}
      </p>
      {!m.pending && !m.deleted && (
        <span className="message-actions">
          <button
            type="button"
            aria-pressed={reacted}
            onClick={() => act(store.api.react(m.id, quickReaction, !reacted))}
          >
            <span aria-hidden="true">{quickReaction}</span>
            <span className="visually-hidden">Like</span>
          </button>
          {mine && (
            <>
              <button type="button" onClick={() => setEditing(true)}>
                Edit
              </button>
              <button type="button" onClick={() => act(store.api.recall(m.id))}>
                Delete
              </button>
            </>
          )}
        </span>
      )}
    </li>
  );
}
