// The gateway's only way to the key-service: verify a key, probe health. Every call has a timeout,
// and verification runs through a circuit breaker so a dead key-service costs nothing per request.
import { verifyKeyResponseSchema, type VerifyKeyResponse } from '@platen/contracts';
import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { z } from 'zod';

const verifyEnvelopeSchema = z.object({ success: z.literal(true), data: verifyKeyResponseSchema });

/** The key-service could not give an answer (down, slow, breaker open, or an unexpected reply). */
export class KeyServiceUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`key-service unavailable: ${reason}`, options);
    this.name = 'KeyServiceUnavailableError';
  }
}

/** ECONNREFUSED, TimeoutError...: what went wrong, without anything of the request (it holds the key). */
function describeFailure(error: unknown): string {
  const failure = error as { name?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  if (typeof failure?.cause?.code === 'string') return failure.cause.code;
  if (typeof failure?.cause?.message === 'string') return failure.cause.message;
  return typeof failure?.name === 'string' ? failure.name : 'request failed';
}

export interface KeyServiceClient {
  /** `{ valid: false }` for an unknown key or a wrong secret; rejects with KeyServiceUnavailableError otherwise. */
  verify(key: string): Promise<VerifyKeyResponse>;
  /** True when `/healthz` answers 2xx within `timeoutMs`. Bypasses the breaker: readiness reports the truth. */
  healthy(timeoutMs?: number): Promise<boolean>;
  close(): void;
}

export interface BreakerOptions {
  /** Share of failed calls (within the rolling window) that opens the breaker. */
  errorThresholdPercentage: number;
  /** Calls needed in the window before the breaker may open. */
  volumeThreshold: number;
  /** How long an open breaker refuses before letting one trial call through. */
  resetTimeoutMs: number;
  rollingCountTimeoutMs: number;
}

export interface KeyServiceClientDeps {
  baseUrl: string;
  serviceToken: () => Promise<string>;
  logger: Logger;
  timeoutMs?: number;
  breaker?: Partial<BreakerOptions>;
}

const DEFAULT_BREAKER: BreakerOptions = {
  errorThresholdPercentage: 50,
  volumeThreshold: 3,
  resetTimeoutMs: 3_000,
  rollingCountTimeoutMs: 10_000,
};

export function createKeyServiceClient({
  baseUrl,
  serviceToken,
  logger,
  timeoutMs = 2_000,
  breaker: breakerOverrides,
}: KeyServiceClientDeps): KeyServiceClient {
  const root = baseUrl.replace(/\/+$/, '');
  const options = { ...DEFAULT_BREAKER, ...breakerOverrides };

  async function callVerify(key: string): Promise<VerifyKeyResponse> {
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(`${root}/internal/v1/keys/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await serviceToken()}` },
        body: JSON.stringify({ key }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.json().catch(() => undefined);
    } catch (error) {
      throw new KeyServiceUnavailableError(describeFailure(error), { cause: error });
    }
    // Any non-2xx, including a 401 for our own service token, is the key-service's problem, not the client's.
    if (!response.ok) throw new KeyServiceUnavailableError(`verify answered ${response.status}`);
    const parsed = verifyEnvelopeSchema.safeParse(body);
    if (!parsed.success) throw new KeyServiceUnavailableError('verify answered an unexpected body');
    return parsed.data.data;
  }

  const breaker = new CircuitBreaker(callVerify, {
    name: 'key-service-verify',
    timeout: timeoutMs,
    errorThresholdPercentage: options.errorThresholdPercentage,
    volumeThreshold: options.volumeThreshold,
    resetTimeout: options.resetTimeoutMs,
    rollingCountTimeout: options.rollingCountTimeoutMs,
  });
  breaker.on('open', () => logger.warn('key-service breaker open: unknown keys answer AUTH_UNAVAILABLE'));
  breaker.on('halfOpen', () => logger.info('key-service breaker half-open: trying one call'));
  breaker.on('close', () => logger.info('key-service breaker closed'));

  return {
    async verify(key) {
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
        const response = await fetch(`${root}/healthz`, { signal: AbortSignal.timeout(healthTimeoutMs) });
        await response.body?.cancel();
        return response.ok;
      } catch {
        return false;
      }
    },
    close() {
      breaker.shutdown();
    },
  };
}
