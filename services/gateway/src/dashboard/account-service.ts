// The dashboard's calls to the key-service, which owns users, sessions, accounts, keys, credits and
// usage. The key-service answers in the same error envelope as the public API, so its 4xx answers
// (validation, 404 for another account's key, 409) are passed on as they are; anything that keeps us
// from an answer is 503 SERVICE_UNAVAILABLE (with the key-service's retry_after when it gave one).
// Every account-scoped call names the session's account.
import {
  ApiError,
  errorCatalogue,
  type ApiKeySummary,
  type CreatedApiKey,
  type CreditEntry,
  type ErrorCode,
  type KeyStatus,
  type RateLimits,
  type UsageReport,
} from '@platen/contracts';

export interface SignedInUser {
  user_id: string;
  account_id: string;
  email: string;
  session: { token: string; expires_at: string };
}

export interface AccountView {
  id: string;
  email: string;
  credits: number;
}

export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AccountService {
  signUp(input: { email: string; password: string }): Promise<SignedInUser>;
  logIn(input: { email: string; password: string }): Promise<SignedInUser>;
  /** A later token for the session, or undefined when it cannot be refreshed (expired, user gone). */
  refresh(token: string): Promise<SignedInUser | undefined>;
  account(accountId: string): Promise<AccountView>;
  defaultLimits(): Promise<RateLimits>;
  listKeys(
    accountId: string,
    page: { limit: number; cursor?: string | undefined; status?: KeyStatus | undefined },
  ): Promise<Paged<ApiKeySummary>>;
  createKey(
    accountId: string,
    input: { name: string; expires_at?: string | null | undefined },
  ): Promise<CreatedApiKey>;
  revokeKey(accountId: string, keyId: string): Promise<ApiKeySummary>;
  rotateKey(accountId: string, keyId: string, input: { grace_seconds: number }): Promise<CreatedApiKey>;
  ledger(
    accountId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<Paged<CreditEntry>>;
  usage(accountId: string, days: number): Promise<UsageReport>;
}

export interface AccountServiceDeps {
  baseUrl: string;
  serviceToken: () => Promise<string>;
  /** Sign-up and log-in hash a password (argon2id, ~100 ms): allow for a queue of them. */
  timeoutMs?: number;
}

interface Envelope {
  data?: unknown;
  next_cursor?: string | null;
  code?: string;
  detail?: string;
  details?: Record<string, unknown>;
}

const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && code in errorCatalogue;
const segment = (id: string) => encodeURIComponent(id);

export function createAccountService({
  baseUrl,
  serviceToken,
  timeoutMs = 10_000,
}: AccountServiceDeps): AccountService {
  const root = `${baseUrl.replace(/\/+$/, '')}/internal/v1`;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Envelope> {
    let response: Response;
    let payload: Envelope;
    try {
      response = await fetch(`${root}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await serviceToken()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      payload = (await response.json()) as Envelope;
    } catch (error) {
      throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
    }
    if (response.ok) return payload;
    if (response.status < 500 && isErrorCode(payload.code)) {
      throw new ApiError(payload.code, {
        ...(payload.detail ? { message: payload.detail } : {}),
        ...(payload.details ? { details: payload.details } : {}),
      });
    }
    // A saturated password check says when to come back: pass that on (it becomes Retry-After).
    const retryAfter = response.status === 503 ? payload.details?.retry_after : undefined;
    throw new ApiError('SERVICE_UNAVAILABLE', {
      cause: new Error(`key-service answered ${response.status}`),
      ...(typeof retryAfter === 'number' ? { details: { retry_after: retryAfter } } : {}),
    });
  }

  const data = async <T>(method: 'GET' | 'POST', path: string, body?: unknown) =>
    (await call(method, path, body)).data as T;

  async function page<T>(
    path: string,
    query: Record<string, string | number | undefined>,
  ): Promise<Paged<T>> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) search.set(name, String(value));
    const answer = await call('GET', `${path}?${search.toString()}`);
    return { items: answer.data as T[], nextCursor: answer.next_cursor ?? null };
  }

  return {
    signUp: (input) => data('POST', '/users', input),
    logIn: (input) => data('POST', '/sessions', input),
    async refresh(token) {
      try {
        return await data<SignedInUser>('POST', '/sessions/refresh', { token });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'UNAUTHORIZED') return undefined;
        throw error;
      }
    },
    account: (accountId) => data('GET', `/accounts/${segment(accountId)}`),
    defaultLimits: () => data('GET', '/rate-limits/default'),
    listKeys: (accountId, query) => page(`/accounts/${segment(accountId)}/keys`, { ...query }),
    createKey: (accountId, input) => data('POST', `/accounts/${segment(accountId)}/keys`, input),
    revokeKey: (accountId, keyId) =>
      data('POST', `/accounts/${segment(accountId)}/keys/${segment(keyId)}/revoke`, {}),
    rotateKey: (accountId, keyId, input) =>
      data('POST', `/accounts/${segment(accountId)}/keys/${segment(keyId)}/rotate`, input),
    ledger: (accountId, query) => page(`/accounts/${segment(accountId)}/ledger`, { ...query }),
    usage: (accountId, days) => data('GET', `/accounts/${segment(accountId)}/usage?days=${days}`),
  };
}
