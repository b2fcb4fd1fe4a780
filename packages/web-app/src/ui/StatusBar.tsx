import { useAppState, useStore } from './hooks.ts';

const words = {
  open: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
  offline: 'Offline: messages will be sent when you are back',
} as const;

type Panel = 'chats' | 'people' | 'group' | 'notifications' | 'profile';

export function StatusBar(props: { panel: Panel; onPanel: (p: Panel) => void }) {
  const store = useStore();
  const me = useAppState((s) => s.me);
  const connection = useAppState((s) => s.connection);
  const unread = useAppState((s) => s.unreadNotifications);
  const notice = useAppState((s) => s.notice);
  return (
    <header className="status-bar">
      <h1>SoulChat</h1>
      <p className={`connection connection-${connection}`} role="status" data-testid="connection">
        {words[connection]}
      </p>
      <button
        type="button"
        onClick={() => props.onPanel('notifications')}
        aria-pressed={props.panel === 'notifications'}
      >
        Notifications
        {unread > 0 && (
          <span className="badge" data-testid="notification-badge">
            <span className="visually-hidden">, unread: </span>
            {unread}
          </span>
        )}
      </button>
      <button type="button" onClick={() => props.onPanel('profile')} aria-pressed={props.panel === 'profile'}>
        {me?.username}
      </button>
      <button type="button" onClick={() => void store.logout()}>
        Log out
      </button>
      {notice && (
        <div className="notice" role="alert">
          {notice}
          <button type="button" onClick={() => store.notify(null)}>
            Dismiss
          </button>
        </div>
      )}
    </header>
  );
}
