import { useEffect, useState } from 'react';
import { AuthScreen } from './AuthScreen.tsx';
import { ConversationList } from './ConversationList.tsx';
import { ConversationView } from './ConversationView.tsx';
import { go, useAppState, useRoute, useStore } from './hooks.ts';
import { NewGroup } from './NewGroup.tsx';
import { NotificationsPanel } from './NotificationsPanel.tsx';
import { PeopleSearch } from './PeopleSearch.tsx';
import { ProfilePanel } from './ProfilePanel.tsx';
import { StatusBar } from './StatusBar.tsx';

type Panel = 'chats' | 'people' | 'group' | 'notifications' | 'profile';

export function App() {
  const store = useStore();
  const me = useAppState((s) => s.me);
  const route = useRoute();
  const [panel, setPanel] = useState<Panel>('chats');
  useEffect(() => {
    if (me) void store.openConversation(route);
  }, [store, me, route]);
  if (!me) return <AuthScreen />;
  return (
    <div className={route ? 'layout conversation-open' : 'layout'}>
      <StatusBar panel={panel} onPanel={setPanel} />
      <aside className="sidebar" aria-label="Conversations and people">
        <nav className="tabs" aria-label="Side panels">
          <TabButton panel="chats" current={panel} onPanel={setPanel} label="Chats" />
          <TabButton panel="people" current={panel} onPanel={setPanel} label="Find people" />
          <TabButton panel="group" current={panel} onPanel={setPanel} label="New group" />
        </nav>
        {panel === 'chats' && <ConversationList current={route} />}
        {panel === 'people' && <PeopleSearch />}
        {panel === 'group' && <NewGroup onCreated={() => setPanel('chats')} />}
        {panel === 'notifications' && <NotificationsPanel />}
        {panel === 'profile' && <ProfilePanel />}
      </aside>
      <main className="main" id="main">
        {route ? (
          <ConversationView id={route} onBack={() => go(null)} />
        ) : (
          <p className="empty">Pick a conversation, or find people to talk to.</p>
        )}
      </main>
    </div>
  );
}

function TabButton(props: { panel: Panel; current: Panel; onPanel: (p: Panel) => void; label: string }) {
  return (
    <button type="button" aria-pressed={props.current === props.panel} onClick={() => props.onPanel(props.panel)}>
      {props.label}
    </button>
  );
}
