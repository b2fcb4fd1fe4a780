import { type FormEvent, useEffect, useState } from 'react';
import type { Profile } from '../state/api.ts';
import { describeError } from '../state/words.ts';
import { useAppState, useStore } from './hooks.ts';

export function ProfilePanel() {
  const store = useStore();
  const me = useAppState((s) => s.me);
  const [profile, setProfile] = useState<Profile | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    if (me)
      store.api
        .profile(me.id)
        .then(setProfile, (err: unknown) => setMessage({ text: describeError(err), error: true }));
  }, [store, me]);

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      setProfile(
        await store.api.editProfile({
          displayName: String(form.get('displayName') ?? ''),
          bio: String(form.get('bio') ?? '') || null,
        }),
      );
      setMessage({ text: 'Saved.', error: false });
    } catch (err) {
      setMessage({ text: describeError(err), error: true });
    }
  };

  if (!profile) return <p className="empty">{message?.text ?? 'Loading your profile…'}</p>;
  return (
    <form aria-label="Your profile" onSubmit={(e) => void save(e)}>
      <p>
        @{profile.username}: {profile.followers} followers, following {profile.following}
      </p>
      <label>
        Display name
        <input name="displayName" defaultValue={profile.displayName} required maxLength={64} />
      </label>
      <label>
        About you
        <textarea name="bio" defaultValue={profile.bio ?? ''} maxLength={500} />
      </label>
      {message && (
        <p className={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      <button type="submit">Save profile</button>
    </form>
  );
}
