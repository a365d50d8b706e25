// The key-service's domain, wired once from its dependencies: the HTTP API and the CLI share it,
// so an operator command and an API call go through the same rules.
import type { Clock } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import { createAccountStore, type AccountStore } from './account-store.js';
import { createCreditLedger, type CreditLedger } from './credit-ledger.js';
import { createKeyStore, type KeyStore } from './key-store.js';
import { createPasswordHasher, type PasswordHasher } from './password-hasher.js';
import type { RevocationPublisher } from './revocation-publisher.js';
import { createUsageReader, type UsageReader } from './usage-report.js';
import { createUserStore, type UserStore } from './user-store.js';

export interface Stores {
  accounts: AccountStore;
  keys: KeyStore;
  credits: CreditLedger;
  users: UserStore;
  usage: UsageReader;
}

export interface StoresDeps {
  db: Kysely<Database>;
  clock: Clock;
  keyPrefix: string;
  publisher: RevocationPublisher;
  hasher?: PasswordHasher;
  /** Active keys per account (MAX_ACTIVE_KEYS_PER_ACCOUNT); unset: no cap. */
  maxActiveKeys?: number;
}

export function createStores({ db, clock, keyPrefix, publisher, hasher, maxActiveKeys }: StoresDeps): Stores {
  return {
    accounts: createAccountStore({ db, clock, publisher }),
    keys: createKeyStore({ db, clock, keyPrefix, publisher, maxActiveKeys }),
    credits: createCreditLedger({ db, clock }),
    users: createUserStore({ db, clock, hasher: hasher ?? createPasswordHasher(), publisher }),
    usage: createUsageReader({ db, clock }),
  };
}
