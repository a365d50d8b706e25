// The REAL key-service (the shared launcher of packages/testing) against the suite's database and
// Redis prefix, plus the operator calls these tests need: an account, a charge (as the
// gateway makes it when it accepts a render), the balance and the ledger.
import { createServiceTokenSigner } from '@platen/http';
import { startKeyServiceProcess } from '@platen/testing';

export interface KeyServiceSettings {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  serviceSecret: string;
}

export interface LedgerEntry {
  kind: 'grant' | 'charge' | 'refund';
  amount: number;
  render_id: string | null;
}

export interface KeyService {
  url: string;
  createAccount(credits: number): Promise<string>;
  charge(accountId: string, renderId: string, amount?: number): Promise<void>;
  balance(accountId: string): Promise<number>;
  ledger(accountId: string): Promise<LedgerEntry[]>;
  /** SIGKILL: unreachable from now on, until restart(). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startKeyService(settings: KeyServiceSettings): Promise<KeyService> {
  const keyService = await startKeyServiceProcess(settings);
  const { url } = keyService;
  const token = createServiceTokenSigner(settings.serviceSecret, 'render-worker-tests');

  async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${url}/internal/v1${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const payload = (await response.json()) as { success: boolean; data: T };
    if (!response.ok || !payload.success) {
      throw new Error(`${method} ${route} answered ${response.status}: ${JSON.stringify(payload)}`);
    }
    return payload.data;
  }

  let accounts = 0;
  return {
    url,
    async createAccount(credits) {
      const email = `worker-test-${process.pid}-${Date.now()}-${++accounts}@example.com`;
      return (await call<{ id: string }>('POST', '/accounts', { email, credits })).id;
    },
    async charge(accountId, renderId, amount = 1) {
      await call('POST', `/accounts/${accountId}/credits/charge`, { render_id: renderId, amount });
    },
    async balance(accountId) {
      return (await call<{ balance: number }>('GET', `/accounts/${accountId}/credits`)).balance;
    },
    ledger: (accountId) => call<LedgerEntry[]>('GET', `/accounts/${accountId}/ledger?limit=100`),
    kill: () => keyService.kill(),
    restart: () => keyService.restart(),
    stop: () => keyService.stop(),
  };
}
