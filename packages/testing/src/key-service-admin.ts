// The operator's side of the key-service (its internal API, signed with a service token), for tests
// that set up accounts, keys and credits and then check what was charged. One client for every suite.
import { createServiceTokenSigner } from '@platen/http';

export interface CreatedKey {
  id: string;
  key: string;
  key_hint: string;
  expires_at: string | null;
}

export interface KeyOptions {
  name?: string;
  expires_at?: string;
  rate_limits?: { per_minute?: number; per_day?: number };
}

export interface LedgerEntry {
  kind: 'grant' | 'charge' | 'refund';
  /** Signed: charges negative, grants and refunds positive. */
  amount: number;
  render_id: string | null;
}

export interface KeyServiceAdminOptions {
  /** The service token's issuer, so the key-service's logs say which suite called. */
  issuer: string;
  /** Merged under each createKey's options (e.g. rate limits out of the way of a load test). */
  keyDefaults?: KeyOptions;
}

export interface KeyServiceAdmin {
  createAccount(credits?: number): Promise<string>;
  createKey(accountId: string, options?: KeyOptions): Promise<CreatedKey>;
  revokeKey(accountId: string, keyId: string): Promise<void>;
  rotateKey(accountId: string, keyId: string, graceSeconds: number): Promise<CreatedKey>;
  disableAccount(accountId: string): Promise<void>;
  grantCredits(accountId: string, amount: number): Promise<void>;
  /** A charge as the gateway makes it when it accepts a render. */
  charge(accountId: string, renderId: string, amount?: number): Promise<void>;
  balance(accountId: string): Promise<number>;
  /** Every entry of the account's ledger, oldest page first. */
  ledger(accountId: string): Promise<LedgerEntry[]>;
}

const LEDGER_PAGE = 100;
const LEDGER_MAX_PAGES = 1_000;

export function createKeyServiceAdmin(
  baseUrl: string,
  serviceSecret: string,
  { issuer, keyDefaults = {} }: KeyServiceAdminOptions,
): KeyServiceAdmin {
  const token = createServiceTokenSigner(serviceSecret, issuer);
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
  const post = async <T>(path: string, body: unknown = {}) => (await call<T>('POST', path, body)).data;

  return {
    async createAccount(credits = 100) {
      const email = `${issuer}-${process.pid}-${Date.now()}-${++accounts}@example.com`;
      return (await post<{ id: string }>('/accounts', { email, credits })).id;
    },
    createKey(accountId, options = {}) {
      return post<CreatedKey>(`/accounts/${accountId}/keys`, {
        name: 'test key',
        ...keyDefaults,
        ...options,
      });
    },
    async revokeKey(accountId, keyId) {
      await post(`/accounts/${accountId}/keys/${keyId}/revoke`);
    },
    rotateKey(accountId, keyId, graceSeconds) {
      return post<CreatedKey>(`/accounts/${accountId}/keys/${keyId}/rotate`, { grace_seconds: graceSeconds });
    },
    async disableAccount(accountId) {
      await post(`/accounts/${accountId}/disable`);
    },
    async grantCredits(accountId, amount) {
      await post(`/accounts/${accountId}/credits/grant`, { amount });
    },
    async charge(accountId, renderId, amount = 1) {
      await post(`/accounts/${accountId}/credits/charge`, { render_id: renderId, amount });
    },
    async balance(accountId) {
      return (await call<{ balance: number }>('GET', `/accounts/${accountId}/credits`)).data.balance;
    },
    async ledger(accountId) {
      const entries: LedgerEntry[] = [];
      let cursor: string | null | undefined;
      for (let page = 0; page < LEDGER_MAX_PAGES; page++) {
        const query = `limit=${LEDGER_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const answer = await call<LedgerEntry[]>('GET', `/accounts/${accountId}/ledger?${query}`);
        entries.push(...answer.data);
        cursor = answer.next_cursor;
        if (!cursor) return entries;
      }
      throw new Error(`the ledger has more than ${LEDGER_PAGE * LEDGER_MAX_PAGES} entries`);
    },
  };
}
