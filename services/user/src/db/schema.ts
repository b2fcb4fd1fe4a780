import type { OutboxTable } from '@soulchat/platform';
import type { Generated, Selectable } from 'kysely';

export type AccountStatus = 'pending' | 'active';

export interface UsersTable {
  id: string;
  /** The saga instance that created the row: a retried registration finds its own user. */
  registration_id: string;
  username: string;
  email: string;
  email_normalized: string;
  password_hash: string;
  display_name: string;
  status: AccountStatus;
  roles: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  /** One family per login session; reuse of a rotated token revokes the whole family. */
  family_id: string;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  created_at: Generated<Date>;
}

export interface SigningKeysTable {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created_at: Generated<Date>;
  /** From when it signs new tokens; published in the JWKS from its creation. */
  activates_at: Date;
  /** From when it no longer signs (the next key's activation); it verifies for a grace period after. */
  retired_at: Date | null;
}

export interface Database {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  outbox: OutboxTable;
}

export type UserRow = Selectable<UsersTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
