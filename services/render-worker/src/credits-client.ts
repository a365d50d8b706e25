// Refunds go through the key-service (it owns the ledger; the worker never writes schema `keys`).
// The key-service applies a refund at most once per render id, so retrying a call is always safe;
// a key-service that stays unreachable surfaces as RefundFailedError for the caller to retry later.
// The call itself is @platen/key-service-client's: this module only sets the worker's retry policy.
import { createKeyServiceClient, type CreditsClient as LedgerClient } from '@platen/key-service-client';

export { RefundFailedError, type RefundOutcome } from '@platen/key-service-client';

export type CreditsClient = Pick<LedgerClient, 'refund'>;

export interface CreditsClientOptions {
  /** The key-service's base URL, e.g. http://127.0.0.1:8081 */
  baseUrl: string;
  /** A fresh service token per call (createServiceTokenSigner caches it). */
  serviceToken: () => Promise<string>;
  attempts?: number;
  firstDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function createCreditsClient({
  baseUrl,
  serviceToken,
  attempts = 4,
  firstDelayMs = 250,
  timeoutMs = 5_000,
  sleep,
}: CreditsClientOptions): CreditsClient {
  const client = createKeyServiceClient({
    baseUrl,
    serviceToken,
    timeoutMs: { credits: timeoutMs },
    retry: { attempts, firstDelayMs, ...(sleep ? { sleep } : {}) },
  });
  return { refund: (accountId, renderId) => client.refund(accountId, renderId) };
}
