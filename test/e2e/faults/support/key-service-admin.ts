// The operator's side of the key-service (its internal API, with a service token): accounts, keys,
// credits and the credit ledger the fault tests check charges against.
import { createServiceTokenSigner } from '@platen/http';

export interface CreatedKey {
  id: string;
  key: string;
  expires_at: string | null;
}

export interface LedgerEntry {
  /** grant, charge or refund */
  kind: string;
  /** Signed: charges negative, grants and refunds positive. */
  amount: number;
  render_id: string | null;
}

export interface KeyServiceAdmin {
  createAccount(credits: number): Promise<string>;
  /** A key with rate limits out of the way (the load is the point, not the limiter). */
  createKey(accountId: string, options?: { expires_at?: string }): Promise<CreatedKey>;
  balance(accountId: string): Promise<number>;
  ledger(accountId: string): Promise<LedgerEntry[]>;
}

const UNLIMITED = { per_minute: 1_000_000, per_day: 100_000_000 };

export function createKeyServiceAdmin(baseUrl: string, serviceSecret: string): KeyServiceAdmin {
  const token = createServiceTokenSigner(serviceSecret, 'fault-tests');
  let accounts = 0;

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ data: T; next_cursor?: string | null }> {
    const response = await fetch(`${baseUrl}/internal/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const payload = (await response.json()) as { success: boolean; data: T; next_cursor?: string | null };
    if (!response.ok || !payload.success) {
      throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(payload)}`);
    }
    return payload;
  }

  return {
    async createAccount(credits) {
      const email = `faults-${process.pid}-${Date.now()}-${++accounts}@example.com`;
      return (await call<{ id: string }>('POST', '/accounts', { email, credits })).data.id;
    },
    async createKey(accountId, options = {}) {
      const body = { name: 'fault tests', rate_limits: UNLIMITED, ...options };
      return (await call<CreatedKey>('POST', `/accounts/${accountId}/keys`, body)).data;
    },
    async balance(accountId) {
      return (await call<{ balance: number }>('GET', `/accounts/${accountId}/credits`)).data.balance;
    },
    async ledger(accountId) {
      const entries: LedgerEntry[] = [];
      let cursor: string | null | undefined;
      for (let page = 0; page < 1_000; page++) {
        const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const answer = await call<LedgerEntry[]>('GET', `/accounts/${accountId}/ledger?${query}`);
        entries.push(...answer.data);
        cursor = answer.next_cursor;
        if (!cursor) return entries;
      }
      throw new Error('the ledger has more than 100,000 entries');
    },
  };
}
