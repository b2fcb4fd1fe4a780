/** What the registration saga starts from: the password is already hashed. */
export interface RegistrationInput {
  registrationId: string;
  userId: string;
  username: string;
  email: string;
  passwordHash: string;
  displayName: string;
  /** Waits between attempts at the profile step; durable timers, so they survive restarts. */
  retryDelaysMs: number[];
  /** The W3C trace of the request that started it: every activity joins that trace. */
  traceparent?: string;
}

export type RegistrationOutcome =
  | { status: 'registered'; userId: string }
  | { status: 'rejected'; taken: string[] }
  | { status: 'failed'; reason: string };

export type CreatedUser = { userId: string } | { taken: string[] };

export interface UserRef {
  userId: string;
  traceparent?: string;
}

export const activityNames = {
  createPendingUser: 'createPendingUser',
  createProfile: 'createProfile',
  activateUser: 'activateUser',
  deletePendingUser: 'deletePendingUser',
  deleteProfile: 'deleteProfile',
} as const;

export const registrationWorkflowName = 'registration';

/** Activity errors carry this marker when retrying cannot help (the other side said no). */
export const permanentMarker = '[permanent]';
