// Refunds go through the key-service (it owns the ledger; the worker never writes schema `keys`).
// The key-service applies a refund at most once per render id, so retrying a call is always safe;
// a key-service that stays unreachable surfaces as RefundFailedError for the caller to retry later.
import { creditChangeResponseSchema } from '@platen/contracts';

export interface RefundOutcome {
  /** False when this render was refunded before, or never charged (nothing to give back). */
  applied: boolean;
  balance: number | null;
}

export interface CreditsClient {
  refund(accountId: string, renderId: string): Promise<RefundOutcome>;
}

export class RefundFailedError extends Error {
  override readonly name = 'RefundFailedError';
}

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

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCreditsClient({
  baseUrl,
  serviceToken,
  attempts = 4,
  firstDelayMs = 250,
  timeoutMs = 5_000,
  sleep = wait,
}: CreditsClientOptions): CreditsClient {
  async function refundOnce(accountId: string, renderId: string): Promise<RefundOutcome | 'retry'> {
    const url = new URL(`/internal/v1/accounts/${encodeURIComponent(accountId)}/credits/refund`, baseUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await serviceToken()}` },
        body: JSON.stringify({ render_id: renderId }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      return 'retry';
    }
    const payload: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const data = creditChangeResponseSchema.parse((payload as { data?: unknown } | null)?.data);
      return { applied: data.applied, balance: data.balance };
    }
    // No charge for this render (or no such account): there is nothing to give back.
    if (response.status === 404) return { applied: false, balance: null };
    if (response.status >= 500 || response.status === 429) return 'retry';
    throw new RefundFailedError(`key-service refused the refund: HTTP ${response.status}`);
  }

  return {
    async refund(accountId, renderId) {
      for (let attempt = 1; ; attempt++) {
        const outcome = await refundOnce(accountId, renderId);
        if (outcome !== 'retry') return outcome;
        if (attempt >= attempts)
          throw new RefundFailedError(`key-service unreachable after ${attempts} attempts`);
        await sleep(firstDelayMs * 2 ** (attempt - 1));
      }
    },
  };
}
