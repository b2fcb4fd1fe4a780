import { useEffect, useRef, useState } from 'react';
import { seenByOthers } from '../state/timeline.ts';
import { Composer } from './Composer.tsx';
import { PresenceDot } from './ConversationList.tsx';
import { useAppState, useStore } from './hooks.ts';
import { MembersPanel } from './MembersPanel.tsx';
import { MessageItem } from './MessageItem.tsx';
import { nameOf, peerOf, titleOf } from './names.ts';

const empty: never[] = [];

export function ConversationView(props: { id: string; onBack: () => void }) {
  const { id } = props;
  const store = useStore();
  const state = useAppState((s) => s);
  const timeline = state.timelines[id] ?? empty;
  const [showMembers, setShowMembers] = useState(false);
  const end = useRef<HTMLLIElement>(null);
  const last = timeline.at(-1)?.id;
  useEffect(() => {
    if (last) end.current?.scrollIntoView({ block: 'end' });
  }, [last]);

  const heading = (
    <header className="conversation-header">
      <button type="button" className="back" onClick={props.onBack}>
        Back
      </button>
      <h2 dir="auto">{titleOf(state, id)}</h2>
      {peerOf(state, id) && <PresenceDot online={state.online[peerOf(state, id) ?? ''] ?? false} />}
      {state.details[id]?.kind === 'group' && (
        <button type="button" aria-expanded={showMembers} onClick={() => setShowMembers(!showMembers)}>
          Members
        </button>
      )}
    </header>
  );
  if (state.openError)
    return (
      <section className="conversation" aria-label="Conversation">
        {heading}
        <p className="error" role="alert">
          {state.openError}
        </p>
      </section>
    );
  const me = state.me?.id ?? '';
  const seen = seenByOthers(state.reads[id] ?? {}, me);
  const typists = Object.keys(state.typing[id] ?? {}).map((u) => nameOf(state, u));
  const lastMine = timeline.filter((m) => m.senderId === me && !m.pending).at(-1);
  return (
    <section className="conversation" aria-label={`Conversation: ${titleOf(state, id)}`}>
      {heading}
      {showMembers && <MembersPanel id={id} />}
      {(state.oldest[id] ?? 1) > 1 && (
        <button type="button" className="older" onClick={() => void store.loadOlder(id).catch((e) => store.fail(e))}>
          Load older messages
        </button>
      )}
      <ol className="timeline" aria-label="Messages" aria-live="polite" data-testid="timeline">
        {timeline.map((m) => (
          <MessageItem
            key={m.pending ? m.clientMsgId : m.id}
            message={m}
            mine={m.senderId === me}
            sender={nameOf(state, m.senderId)}
            seen={m.id === lastMine?.id && seen >= m.seq}
          />
        ))}
        <li ref={end} className="end" aria-hidden="true" />
      </ol>
      <p className="typing" aria-live="polite" data-testid="typing">
        {typists.length > 0 ? `${typists.join(', ')} ${typists.length > 1 ? 'are' : 'is'} typing…` : ''}
      </p>
      <Composer key={id} id={id} />
    </section>
  );
}
