import { go, useAppState } from './hooks.ts';
import { peerOf, titleOf } from './names.ts';

export function ConversationList(props: { current: string | null }) {
  const items = useAppState((s) => s.conversations);
  const state = useAppState((s) => s);
  if (items.length === 0) return <p className="empty">No conversations yet: find people to talk to.</p>;
  return (
    <ul className="conversation-list" aria-label="Your conversations">
      {items.map((c) => {
        const peer = peerOf(state, c.id);
        const title = titleOf(state, c.id);
        return (
          <li key={c.id}>
            <a
              href={`#/c/${c.id}`}
              aria-current={props.current === c.id ? 'page' : undefined}
              onClick={() => go(c.id)}
              data-testid="conversation-link"
            >
              {peer && <PresenceDot online={state.online[peer] ?? false} />}
              <span className="title" dir="auto">
                {title}
              </span>
              {c.kind === 'group' && <span className="kind">group</span>}
              {c.unread > 0 && (
                <span className="badge" data-testid="unread">
                  {c.unread}
                  <span className="visually-hidden"> unread</span>
                </span>
              )}
            </a>
          </li>
        );
      })}
    </ul>
  );
}

export function PresenceDot(props: { online: boolean }) {
  return (
    <span className={props.online ? 'dot online' : 'dot'} role="img" aria-label={props.online ? 'online' : 'offline'} />
  );
}
