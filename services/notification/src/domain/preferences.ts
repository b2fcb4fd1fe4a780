import { z } from 'zod';

export const kinds = ['welcome', 'follower', 'message', 'mention', 'group', 'alert'] as const;
export const channels = ['in_app', 'email', 'sms'] as const;
export type Kind = (typeof kinds)[number];
export type Channel = (typeof channels)[number];
export type ChannelSwitches = Record<Channel, boolean>;
export type Preferences = Record<Kind, ChannelSwitches>;

const on = (email: boolean): ChannelSwitches => ({ in_app: true, email, sms: false });

/**
 * What a user gets before changing anything: everything in the app; email for what needs
 * them while they are away (welcome, messages and mentions while offline); SMS only on request.
 */
export const defaultPreferences: Preferences = {
  welcome: on(true),
  follower: on(false),
  message: on(true),
  mention: on(true),
  group: on(false),
  alert: on(false),
};

export interface StoredSwitch {
  kind: Kind;
  channel: Channel;
  enabled: boolean;
}

/** The defaults with the user's own switches laid over them. */
export function effectivePreferences(stored: StoredSwitch[]): Preferences {
  const result = structuredClone(defaultPreferences);
  for (const s of stored) result[s.kind][s.channel] = s.enabled;
  return result;
}

const switchesPatch = z.strictObject({
  in_app: z.boolean().optional(),
  email: z.boolean().optional(),
  sms: z.boolean().optional(),
});

/** A change request: any kinds, any channels, each a boolean. */
export const preferencesPatch = z.strictObject({
  welcome: switchesPatch.optional(),
  follower: switchesPatch.optional(),
  message: switchesPatch.optional(),
  mention: switchesPatch.optional(),
  group: switchesPatch.optional(),
  alert: switchesPatch.optional(),
});

export type PreferencesPatch = z.infer<typeof preferencesPatch>;

/** The switches a patch sets, one per kind and channel. */
export function switchesOf(patch: PreferencesPatch): StoredSwitch[] {
  return kinds.flatMap((kind) =>
    channels.flatMap((channel) => {
      const enabled = patch[kind]?.[channel];
      return enabled === undefined ? [] : [{ kind, channel, enabled }];
    }),
  );
}
