// Operator calls on the key-service's internal API, for setting up accounts and keys in tests.
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

export interface KeyServiceAdmin {
  createAccount(credits?: number): Promise<string>;
  createKey(accountId: string, options?: KeyOptions): Promise<CreatedKey>;
  revokeKey(accountId: string, keyId: string): Promise<void>;
  rotateKey(accountId: string, keyId: string, graceSeconds: number): Promise<CreatedKey>;
  disableAccount(accountId: string): Promise<void>;
  balance(accountId: string): Promise<number>;
  grantCredits(accountId: string, amount: number): Promise<void>;
}

export function createKeyServiceAdmin(baseUrl: string, serviceSecret: string): KeyServiceAdmin {
  const token = createServiceTokenSigner(serviceSecret, 'gateway-tests');
  let accounts = 0;

  async function call<T>(path: string, body: unknown, method = 'POST'): Promise<T> {
    const response = await fetch(`${baseUrl}/internal/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const payload = (await response.json()) as { success: boolean; data: T };
    if (!response.ok || !payload.success) {
      throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(payload)}`);
    }
    return payload.data;
  }

  return {
    async createAccount(credits = 100) {
      const email = `gateway-test-${process.pid}-${Date.now()}-${++accounts}@example.com`;
      return (await call<{ id: string }>('/accounts', { email, credits })).id;
    },
    createKey(accountId, options = {}) {
      return call<CreatedKey>(`/accounts/${accountId}/keys`, { name: 'test key', ...options });
    },
    async revokeKey(accountId, keyId) {
      await call(`/accounts/${accountId}/keys/${keyId}/revoke`, {});
    },
    rotateKey(accountId, keyId, graceSeconds) {
      return call<CreatedKey>(`/accounts/${accountId}/keys/${keyId}/rotate`, { grace_seconds: graceSeconds });
    },
    async disableAccount(accountId) {
      await call(`/accounts/${accountId}/disable`, {});
    },
    async grantCredits(accountId, amount) {
      await call(`/accounts/${accountId}/credits/grant`, { amount });
    },
    async balance(accountId) {
      return (await call<{ balance: number }>(`/accounts/${accountId}/credits`, undefined, 'GET')).balance;
    },
  };
}
