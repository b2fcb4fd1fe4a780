import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Store } from './state/store.ts';
import { App } from './ui/App.tsx';
import { StoreContext } from './ui/hooks.ts';
import './styles.css';

const store = new Store();
void store.resume();
const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  );
