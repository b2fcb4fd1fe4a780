import { conflict } from '@soulchat/platform';
import { contactsOf, saveSwitches, setPhone, storedSwitches } from '../db/contacts.repository.ts';
import { effectivePreferences, type PreferencesPatch, switchesOf } from '../domain/preferences.ts';
import type { NotificationDeps } from './deps.ts';

export async function preferencesOf(deps: NotificationDeps, userId: string) {
  const [switches, contacts] = await Promise.all([storedSwitches(deps.db, [userId]), contactsOf(deps.db, [userId])]);
  return {
    channels: effectivePreferences(switches.get(userId) ?? []),
    phone: contacts.get(userId)?.phone ?? null,
  };
}

export async function updatePreferences(
  deps: NotificationDeps,
  userId: string,
  change: { channels?: PreferencesPatch | undefined; phone?: string | null | undefined },
) {
  await deps.db.transaction().execute(async (trx) => {
    if (change.phone !== undefined && !(await setPhone(trx, userId, change.phone))) {
      // Contacts arrive with user.registered; a phone for an account not seen yet has nowhere to go.
      throw conflict('your account is not known to notifications yet; try again in a moment');
    }
    if (change.channels) await saveSwitches(trx, userId, switchesOf(change.channels));
  });
  return preferencesOf(deps, userId);
}
