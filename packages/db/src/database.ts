// kysely table types. Each Postgres schema is owned by one service (docs/architecture.md):
// `keys` by the key-service, `renders` by the gateway (written) and the render-worker (updated).
import type { ColumnType, Generated } from 'kysely';
import type { RendersDatabase } from './database-renders.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** int8 columns are parsed to numbers in create-db.ts. */
type BigCounter = ColumnType<number, number | undefined, number>;

export interface AccountsTable {
  id: Generated<string>;
  email: string;
  credits: Generated<number>;
  created_at: CreatedAt;
  disabled_at: Timestamp | null;
}

export interface UsersTable {
  id: Generated<string>;
  account_id: string;
  email: string;
  password_hash: string;
  created_at: CreatedAt;
  /** Moved on by each password change or reset: tokens of an earlier epoch are refused. */
  session_epoch: Generated<number>;
}

export interface ApiKeysTable {
  id: Generated<string>;
  account_id: string;
  name: string;
  lookup_id: string;
  secret_hash: Buffer;
  key_hint: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  rate_limit_per_minute: number | null;
  rate_limit_per_day: number | null;
  replaced_by: string | null;
  requests_total: BigCounter;
  credits_used: BigCounter;
}

export type CreditEntryKind = 'grant' | 'charge' | 'refund';

export interface CreditLedgerTable {
  id: Generated<string>;
  account_id: string;
  kind: CreditEntryKind;
  /** Signed: grants and refunds positive, charges negative. */
  amount: number;
  render_id: string | null;
  key_id: string | null;
  note: string | null;
  created_at: CreatedAt;
}

export interface KeyUsageTable {
  key_id: string;
  day: string;
  requests: BigCounter;
  renders: BigCounter;
  credits: BigCounter;
}

export interface KeysDatabase {
  'keys.accounts': AccountsTable;
  'keys.users': UsersTable;
  'keys.api_keys': ApiKeysTable;
  'keys.credit_ledger': CreditLedgerTable;
  'keys.key_usage': KeyUsageTable;
}

export type Database = KeysDatabase & RendersDatabase;
