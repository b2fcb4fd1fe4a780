import type { AccountStatus } from '../db/schema.ts';

/** An account as the rest of the service sees it; the password hash never leaves the db layer. */
export interface Account {
  id: string;
  username: string;
  email: string;
  displayName: string;
  status: AccountStatus;
  roles: string[];
  createdAt: Date;
}

/** Emails compare case-insensitively: two spellings of one mailbox are one account. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The account fields a client may see about itself. */
export function publicAccount(account: Account) {
  return {
    id: account.id,
    username: account.username,
    email: account.email,
    displayName: account.displayName,
    createdAt: account.createdAt.toISOString(),
  };
}

export function parseRoles(roles: string): string[] {
  return roles
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
}
