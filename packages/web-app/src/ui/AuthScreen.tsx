import { type FormEvent, useState } from 'react';
import { describeError } from '../state/words.ts';
import { useStore } from './hooks.ts';

export function AuthScreen() {
  const store = useStore();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? '');
    setBusy(true);
    setError(null);
    try {
      if (mode === 'login') await store.login(field('identifier'), field('password'));
      else await store.register(field('username'), field('email'), field('password'), field('displayName'));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <h1>SoulChat</h1>
      <nav className="tabs" aria-label="Log in or register">
        <button type="button" aria-pressed={mode === 'login'} onClick={() => setMode('login')}>
          Log in
        </button>
        <button type="button" aria-pressed={mode === 'register'} onClick={() => setMode('register')}>
          Register
        </button>
      </nav>
      <form onSubmit={(e) => void submit(e)} aria-label={mode === 'login' ? 'Log in' : 'Register'}>
        {mode === 'login' ? (
          <label>
            Username or email
            <input name="identifier" autoComplete="username" required />
          </label>
        ) : (
          <>
            <label>
              Username
              <input name="username" autoComplete="username" required minLength={3} maxLength={32} />
            </label>
            <label>
              Display name
              <input name="displayName" autoComplete="nickname" maxLength={64} />
            </label>
            <label>
              Email
              <input name="email" type="email" autoComplete="email" required />
            </label>
          </>
        )}
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Create account'}
        </button>
      </form>
    </main>
  );
}
