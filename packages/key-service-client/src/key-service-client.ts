// The one client of the key-service's internal API: verify a key, charge and refund credits, and
// the dashboard's accounts, users, sessions, keys, ledger and usage. One kept-alive transport, the
// service token on every call, every answer validated with the contracts schemas. Charges and
// refunds are idempotent per render uuid at the key-service, so resending them is always safe.
import {
  ApiError,
  accountSchema,
  apiKeySummarySchema,
  creditChangeResponseSchema,
  creditEntrySchema,
  createdApiKeySchema,
  rateLimitsSchema,
  signedInUserSchema,
  usageReportSchema,
  verifyKeyResponseSchema,
  type ApiKeySummary,
  type CreatedApiKey,
  type CreditEntry,
  type KeyStatus,
  type RateLimits,
  type SignedInUser,
  type UsageReport,
  type VerifyKeyResponse,
} from '@platen/contracts';
import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  KeyServiceUnavailableError,
  RefundFailedError,
  answerToApiError,
  describeFailure,
} from './errors.js';
import { createTransport, type Answer } from './transport.js';

export interface AccountView {
  id: string;
  email: string;
  credits: number;
}

export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

export interface RefundOutcome {
  /** False when this render was refunded before, or never charged (nothing to give back). */
  applied: boolean;
  balance: number | null;
}

/** What the gateway's auth path uses. */
export interface KeyVerifier {
  /** `{ valid: false }` for an unknown key or a wrong secret; rejects with KeyServiceUnavailableError otherwise. */
  verify(key: string): Promise<VerifyKeyResponse>;
  /** True when `/healthz` answers 2xx within `timeoutMs`. Bypasses the breaker: readiness reports the truth. */
  healthy(timeoutMs?: number): Promise<boolean>;
  close(): void;
}

/** The credit ledger's two moves. */
export interface CreditsClient {
  /** Rejects with ApiError INSUFFICIENT_CREDITS or SERVICE_UNAVAILABLE. */
  charge(accountId: string, renderId: string, amount: number): Promise<void>;
  /**
   * A batch's charges, all applied or none (idempotent per render id: sending the same set again
   * applies nothing). Rejects with ApiError INSUFFICIENT_CREDITS or SERVICE_UNAVAILABLE.
   */
  chargeMany(accountId: string, charges: { render_id: string; amount: number }[]): Promise<void>;
  /** Gives back what the render was charged (applied: false if it never was, or was before). Rejects with RefundFailedError. */
  refund(accountId: string, renderId: string): Promise<RefundOutcome>;
}

/** The dashboard's calls. Every account-scoped call names the session's account. */
export interface AccountService {
  signUp(input: { email: string; password: string }): Promise<SignedInUser>;
  logIn(input: { email: string; password: string }): Promise<SignedInUser>;
  /** A later token for the session, or undefined when it cannot be refreshed (expired, user gone). */
  refresh(token: string): Promise<SignedInUser | undefined>;
  /**
   * The session's user gets a new password and a new token for this session; every other session of
   * the user ends. Rejects with ApiError FORBIDDEN (wrong current password) or UNAUTHORIZED (session over).
   */
  changePassword(
    token: string,
    input: { current_password: string; new_password: string },
  ): Promise<SignedInUser>;
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

export type KeyServiceClient = KeyVerifier & CreditsClient & AccountService;

export interface BreakerOptions {
  /** Share of failed calls (within the rolling window) that opens the breaker. */
  errorThresholdPercentage: number;
  /** Calls needed in the window before the breaker may open. */
  volumeThreshold: number;
  /** How long an open breaker refuses before letting one trial call through. */
  resetTimeoutMs: number;
  rollingCountTimeoutMs: number;
}

export interface RetryOptions {
  /** Tries of a refund before it fails with RefundFailedError (1: no retry). */
  attempts: number;
  /** The wait after the first failed try; it doubles after each. */
  firstDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export interface Timeouts {
  verify: number;
  credits: number;
  /** Sign-up and log-in hash a password (argon2id, ~100 ms): allow for a queue of them. */
  accounts: number;
}

export interface KeyServiceClientOptions {
  /** The key-service's base URL, e.g. http://127.0.0.1:8081 */
  baseUrl: string;
  /** A fresh service token per call (createServiceTokenSigner caches it). */
  serviceToken: () => Promise<string>;
  timeoutMs?: Partial<Timeouts>;
  /** Puts verification behind a circuit breaker, so a dead key-service costs nothing per request. */
  breaker?: Partial<BreakerOptions>;
  /** Retries a refund the key-service could not answer (down, 5xx, 429). */
  retry?: Partial<RetryOptions>;
  /** Breaker state changes are logged here. */
  logger?: Logger;
  /** Connections kept open to the key-service. */
  maxSockets?: number;
}

const DEFAULT_TIMEOUTS: Timeouts = { verify: 2_000, credits: 5_000, accounts: 10_000 };
const DEFAULT_BREAKER: BreakerOptions = {
  errorThresholdPercentage: 50,
  volumeThreshold: 3,
  resetTimeoutMs: 3_000,
  rollingCountTimeoutMs: 10_000,
};
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const DEFAULT_RETRY: RetryOptions = { attempts: 1, firstDelayMs: 250, sleep: wait };

const dataOf = <S extends z.ZodType>(schema: S) => z.object({ success: z.literal(true), data: schema });
const verifyEnvelopeSchema = dataOf(verifyKeyResponseSchema);
const refundEnvelopeSchema = dataOf(creditChangeResponseSchema);
const pageEnvelope = <S extends z.ZodType>(item: S) =>
  dataOf(z.array(item)).extend({ next_cursor: z.string().nullable().optional() });
const accountViewSchema = accountSchema.pick({ id: true, email: true, credits: true });
const keyPageSchema = pageEnvelope(apiKeySummarySchema);
const ledgerPageSchema = pageEnvelope(creditEntrySchema);

const segment = (id: string) => encodeURIComponent(id);

export function createKeyServiceClient({
  baseUrl,
  serviceToken,
  timeoutMs,
  breaker: breakerOverrides,
  retry: retryOverrides,
  logger,
  maxSockets,
}: KeyServiceClientOptions): KeyServiceClient {
  const transport = createTransport({ baseUrl, ...(maxSockets === undefined ? {} : { maxSockets }) });
  const timeouts = { ...DEFAULT_TIMEOUTS, ...timeoutMs };
  const retry = { ...DEFAULT_RETRY, ...retryOverrides };

  async function post(path: string, body: unknown, timeout: number, idempotent: boolean): Promise<Answer> {
    return transport.send({
      method: 'POST',
      path: `/internal/v1${path}`,
      body,
      authorization: `Bearer ${await serviceToken()}`,
      timeoutMs: timeout,
      idempotent,
    });
  }

  async function callVerify(key: string): Promise<VerifyKeyResponse> {
    let answer: Answer;
    try {
      // Verification only reads: resending it on a stale kept-alive connection is safe.
      answer = await post('/keys/verify', { key }, timeouts.verify, true);
    } catch (error) {
      throw new KeyServiceUnavailableError(describeFailure(error), { cause: error });
    }
    // Any non-2xx, including a 401 for our own service token, is the key-service's problem, not the client's.
    if (answer.status < 200 || answer.status >= 300)
      throw new KeyServiceUnavailableError(`verify answered ${answer.status}`);
    const parsed = verifyEnvelopeSchema.safeParse(answer.body);
    if (!parsed.success) throw new KeyServiceUnavailableError('verify answered an unexpected body');
    return parsed.data.data;
  }

  let breaker: CircuitBreaker<[string], VerifyKeyResponse> | undefined;
  if (breakerOverrides) {
    const options = { ...DEFAULT_BREAKER, ...breakerOverrides };
    breaker = new CircuitBreaker(callVerify, {
      name: 'key-service-verify',
      timeout: timeouts.verify,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      resetTimeout: options.resetTimeoutMs,
      rollingCountTimeout: options.rollingCountTimeoutMs,
    });
    breaker.on('open', () => logger?.warn('key-service breaker open: unknown keys answer AUTH_UNAVAILABLE'));
    breaker.on('halfOpen', () => logger?.info('key-service breaker half-open: trying one call'));
    breaker.on('close', () => logger?.info('key-service breaker closed'));
  }

  async function refundOnce(accountId: string, renderId: string): Promise<RefundOutcome | 'retry'> {
    let answer: Answer;
    try {
      answer = await post(
        `/accounts/${segment(accountId)}/credits/refund`,
        { render_id: renderId },
        timeouts.credits,
        true,
      );
    } catch {
      return 'retry';
    }
    if (answer.status === 200) {
      const parsed = refundEnvelopeSchema.safeParse(answer.body);
      if (!parsed.success)
        throw new RefundFailedError('key-service answered the refund with an unexpected body');
      return { applied: parsed.data.data.applied, balance: parsed.data.data.balance };
    }
    // No charge for this render (or no such account): there is nothing to give back.
    if (answer.status === 404) return { applied: false, balance: null };
    if (answer.status >= 500 || answer.status === 429) return 'retry';
    throw new RefundFailedError(`key-service refused the refund: HTTP ${answer.status}`);
  }

  /** An account call: its answer's envelope validated by `schema`, or the failure as ApiError. */
  async function call<S extends z.ZodType>(
    schema: S,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<z.infer<S>> {
    let answer: Answer;
    try {
      answer = await transport.send({
        method,
        path: `/internal/v1${path}`,
        body,
        authorization: `Bearer ${await serviceToken()}`,
        timeoutMs: timeouts.accounts,
        idempotent: method === 'GET',
      });
    } catch (error) {
      throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
    }
    if (answer.status < 200 || answer.status >= 300) throw answerToApiError(answer);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      throw new ApiError('SERVICE_UNAVAILABLE', {
        cause: new Error(`key-service answered ${path} unexpectedly`),
      });
    }
    return parsed.data;
  }

  const data = async <S extends z.ZodType>(schema: S, method: 'GET' | 'POST', path: string, body?: unknown) =>
    ((await call(dataOf(schema), method, path, body)) as { data: z.infer<S> }).data;

  async function page<T>(
    schema: ReturnType<typeof pageEnvelope>,
    path: string,
    query: Record<string, string | number | undefined>,
  ): Promise<Paged<T>> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) search.set(name, String(value));
    const answer = await call(schema, 'GET', `${path}?${search.toString()}`);
    return { items: answer.data as T[], nextCursor: answer.next_cursor ?? null };
  }

  return {
    async verify(key) {
      if (!breaker) return callVerify(key);
      try {
        return await breaker.fire(key);
      } catch (error) {
        if (error instanceof KeyServiceUnavailableError) throw error;
        // opossum's own refusals: EOPENBREAKER, ETIMEDOUT, EOVERCAPACITY.
        const code = (error as { code?: unknown }).code;
        throw new KeyServiceUnavailableError(typeof code === 'string' ? code : 'breaker refused', {
          cause: error,
        });
      }
    },
    async healthy(healthTimeoutMs = 1_000) {
      try {
        const answer = await transport.send({
          method: 'GET',
          path: '/healthz',
          timeoutMs: healthTimeoutMs,
          idempotent: true,
        });
        return answer.status >= 200 && answer.status < 300;
      } catch {
        return false;
      }
    },
    close() {
      breaker?.shutdown();
      transport.close();
    },

    async charge(accountId, renderId, amount) {
      let answer: Answer;
      try {
        answer = await post(
          `/accounts/${segment(accountId)}/credits/charge`,
          { render_id: renderId, amount },
          timeouts.credits,
          true,
        );
      } catch (error) {
        throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
      }
      if (answer.status === 402) throw new ApiError('INSUFFICIENT_CREDITS');
      if (answer.status !== 200) throw new ApiError('SERVICE_UNAVAILABLE');
    },
    async chargeMany(accountId, charges) {
      let answer: Answer;
      try {
        answer = await post(
          `/accounts/${segment(accountId)}/credits/charge-many`,
          { charges },
          timeouts.credits,
          true,
        );
      } catch (error) {
        throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
      }
      if (answer.status === 402) throw new ApiError('INSUFFICIENT_CREDITS');
      if (answer.status !== 200) throw new ApiError('SERVICE_UNAVAILABLE');
    },
    async refund(accountId, renderId) {
      for (let attempt = 1; ; attempt++) {
        const outcome = await refundOnce(accountId, renderId);
        if (outcome !== 'retry') return outcome;
        if (attempt >= retry.attempts)
          throw new RefundFailedError(
            retry.attempts === 1
              ? 'key-service could not answer the refund'
              : `key-service unreachable after ${retry.attempts} attempts`,
          );
        await retry.sleep(retry.firstDelayMs * 2 ** (attempt - 1));
      }
    },

    signUp: (input) => data(signedInUserSchema, 'POST', '/users', input),
    logIn: (input) => data(signedInUserSchema, 'POST', '/sessions', input),
    async refresh(token) {
      try {
        return await data(signedInUserSchema, 'POST', '/sessions/refresh', { token });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'UNAUTHORIZED') return undefined;
        throw error;
      }
    },
    changePassword: (token, input) =>
      data(signedInUserSchema, 'POST', '/sessions/password', { token, ...input }),
    account: (accountId) => data(accountViewSchema, 'GET', `/accounts/${segment(accountId)}`),
    defaultLimits: () => data(rateLimitsSchema, 'GET', '/rate-limits/default'),
    listKeys: (accountId, query) =>
      page<ApiKeySummary>(keyPageSchema, `/accounts/${segment(accountId)}/keys`, { ...query }),
    createKey: (accountId, input) =>
      data(createdApiKeySchema, 'POST', `/accounts/${segment(accountId)}/keys`, input),
    revokeKey: (accountId, keyId) =>
      data(apiKeySummarySchema, 'POST', `/accounts/${segment(accountId)}/keys/${segment(keyId)}/revoke`, {}),
    rotateKey: (accountId, keyId, input) =>
      data(
        createdApiKeySchema,
        'POST',
        `/accounts/${segment(accountId)}/keys/${segment(keyId)}/rotate`,
        input,
      ),
    ledger: (accountId, query) =>
      page<CreditEntry>(ledgerPageSchema, `/accounts/${segment(accountId)}/ledger`, { ...query }),
    usage: (accountId, days) =>
      data(usageReportSchema, 'GET', `/accounts/${segment(accountId)}/usage?days=${days}`),
  };
}
