// Charges and refunds through the key-service's credit ledger. Both are idempotent per render uuid
// there, so a retried call never charges or refunds twice. A short balance is 402; anything else
// that keeps us from an answer is 503 (the caller decides what to undo).
import { ApiError } from '@platen/contracts';

export interface CreditsClient {
  /** Rejects with ApiError INSUFFICIENT_CREDITS or SERVICE_UNAVAILABLE. */
  charge(accountId: string, renderId: string, amount: number): Promise<void>;
  /** Gives back what the render was charged (no-op if it never was). Rejects when the key-service fails. */
  refund(accountId: string, renderId: string): Promise<void>;
}

export interface CreditsClientDeps {
  baseUrl: string;
  serviceToken: () => Promise<string>;
  timeoutMs?: number;
}

export function createCreditsClient({
  baseUrl,
  serviceToken,
  timeoutMs = 5_000,
}: CreditsClientDeps): CreditsClient {
  const root = baseUrl.replace(/\/+$/, '');

  async function post(path: string, body: unknown): Promise<{ status: number; code: unknown }> {
    const response = await fetch(`${root}/internal/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await serviceToken()}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const payload = (await response.json().catch(() => ({}))) as { code?: unknown };
    return { status: response.status, code: payload.code };
  }

  return {
    async charge(accountId, renderId, amount) {
      let answer;
      try {
        answer = await post(`/accounts/${accountId}/credits/charge`, { render_id: renderId, amount });
      } catch {
        throw new ApiError('SERVICE_UNAVAILABLE');
      }
      if (answer.status === 402) throw new ApiError('INSUFFICIENT_CREDITS');
      if (answer.status !== 200) throw new ApiError('SERVICE_UNAVAILABLE');
    },
    async refund(accountId, renderId) {
      const answer = await post(`/accounts/${accountId}/credits/refund`, { render_id: renderId });
      // 404: never charged, so there is nothing to give back.
      if (answer.status !== 200 && answer.status !== 404) {
        throw new Error(`credit refund answered ${answer.status}`);
      }
    },
  };
}
