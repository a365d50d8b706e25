// The REAL key-service (the shared launcher of packages/testing) against the suite's database and
// Redis prefix, plus the operator calls these tests need (the shared admin client): an account, a
// charge (as the gateway makes it when it accepts a render), the balance and the ledger.
import { createKeyServiceAdmin, startKeyServiceProcess, type KeyServiceAdmin } from '@platen/testing';

export interface KeyServiceSettings {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  serviceSecret: string;
}

export interface KeyService extends Pick<KeyServiceAdmin, 'createAccount' | 'charge' | 'balance' | 'ledger'> {
  url: string;
  /** SIGKILL: unreachable from now on, until restart(). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startKeyService(settings: KeyServiceSettings): Promise<KeyService> {
  const keyService = await startKeyServiceProcess(settings);
  const admin = createKeyServiceAdmin(keyService.url, settings.serviceSecret, {
    issuer: 'render-worker-tests',
  });
  return {
    url: keyService.url,
    createAccount: (credits) => admin.createAccount(credits),
    charge: (accountId, renderId, amount) => admin.charge(accountId, renderId, amount),
    balance: (accountId) => admin.balance(accountId),
    ledger: (accountId) => admin.ledger(accountId),
    kill: () => keyService.kill(),
    restart: () => keyService.restart(),
    stop: () => keyService.stop(),
  };
}
