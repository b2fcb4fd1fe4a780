import { useAppState, useStore } from './hooks.ts';

export function NotificationsPanel() {
  const store = useStore();
  const items = useAppState((s) => s.notifications);
  const unread = useAppState((s) => s.unreadNotifications);
  return (
    <section aria-label="Notifications">
      <button
        type="button"
        disabled={unread === 0}
        onClick={() => void store.readAllNotifications().catch((e) => store.fail(e))}
      >
        Mark all read
      </button>
      {items.length === 0 && <p className="empty">No notifications.</p>}
      <ul className="notifications">
        {items.map((n) => (
          <li key={n.id} dir="auto">
            <strong>{n.title}</strong>
            <p>{n.body}</p>
            <time dateTime={n.createdAt}>{new Date(n.createdAt).toLocaleString()}</time>
          </li>
        ))}
      </ul>
    </section>
  );
}
