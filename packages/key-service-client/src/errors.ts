// How a failed key-service call reaches the caller: verification fails as
// KeyServiceUnavailableError (the gateway decides between its cache and AUTH_UNAVAILABLE), a refund
// that cannot happen now as RefundFailedError (the caller retries later), every other call as the
// ApiError of the catalogue the key-service answered, or 503 SERVICE_UNAVAILABLE.
import { ApiError, errorCatalogue, type ErrorCode } from '@platen/contracts';
import type { Answer } from './transport.js';

/** The key-service could not give an answer (down, slow, breaker open, or an unexpected reply). */
export class KeyServiceUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`key-service unavailable: ${reason}`, options);
    this.name = 'KeyServiceUnavailableError';
  }
}

/** A refund that did not happen now: the key-service refused it or stayed unreachable. */
export class RefundFailedError extends Error {
  override readonly name = 'RefundFailedError';
}

/** ECONNREFUSED, ETIMEDOUT...: what went wrong, without anything of the request (it may hold a key). */
export function describeFailure(error: unknown): string {
  const failure = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof failure?.code === 'string') return failure.code;
  if (typeof failure?.cause?.code === 'string') return failure.cause.code;
  return typeof failure?.name === 'string' ? failure.name : 'request failed';
}

const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && code in errorCatalogue;

interface ErrorEnvelope {
  code?: unknown;
  detail?: unknown;
  details?: Record<string, unknown>;
}

/**
 * A non-2xx answer as the caller's ApiError: the key-service answers in the public error envelope,
 * so its 4xx codes pass on as they are; anything else is 503, with the key-service's retry_after
 * when it gave one (a saturated password check says when to come back).
 */
export function answerToApiError(answer: Answer): ApiError {
  const envelope = (answer.body ?? {}) as ErrorEnvelope;
  if (answer.status < 500 && isErrorCode(envelope.code)) {
    return new ApiError(envelope.code, {
      ...(typeof envelope.detail === 'string' && envelope.detail ? { message: envelope.detail } : {}),
      ...(envelope.details ? { details: envelope.details } : {}),
    });
  }
  const retryAfter = answer.status === 503 ? envelope.details?.retry_after : undefined;
  return new ApiError('SERVICE_UNAVAILABLE', {
    cause: new Error(`key-service answered ${answer.status}`),
    ...(typeof retryAfter === 'number' ? { details: { retry_after: retryAfter } } : {}),
  });
}
