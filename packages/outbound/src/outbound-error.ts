// The one error type outbound requests fail with. `code` says what went wrong and `transient` whether
// trying again later can help; callers map both (e.g. to ASSET_* codes and BullMQ retries) without parsing messages.

export type OutboundErrorCode = 'FORBIDDEN_ADDRESS' | 'TOO_LARGE' | 'TIMEOUT' | 'FETCH_FAILED' | 'BAD_URL';

export interface OutboundErrorOptions {
  /** The HTTP status the remote server answered with, when it answered. */
  status?: number;
  /** Overrides the default for the code (see `defaultTransient`). */
  transient?: boolean;
  cause?: unknown;
}

export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  readonly code: OutboundErrorCode;
  readonly status?: number;
  readonly transient: boolean;

  constructor(code: OutboundErrorCode, message: string, options: OutboundErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    this.transient = options.transient ?? defaultTransient(code, options.status);
  }
}

/** 5xx, 429 and 408 may succeed later; any other 4xx will not. */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function defaultTransient(code: OutboundErrorCode, status: number | undefined): boolean {
  switch (code) {
    case 'TIMEOUT':
      return true;
    case 'FETCH_FAILED':
      return status === undefined ? true : isTransientStatus(status);
    case 'FORBIDDEN_ADDRESS':
    case 'TOO_LARGE':
    case 'BAD_URL':
      return false;
  }
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
// Certificate and handshake failures: the same server will fail the same way on the next attempt.
const TLS_CODE = /^ERR_TLS_|^ERR_SSL_|CERT|SELF_SIGNED|^UNABLE_TO_/;
// The name does not exist; a temporary resolver failure (EAI_AGAIN) stays transient.
const PERMANENT_DNS_CODES = new Set(['ENOTFOUND', 'ENODATA']);

/** Maps a socket, TLS, DNS or undici error to an OutboundError; anything unrecognised is a transient fetch failure. */
export function fromTransportError(error: unknown): OutboundError {
  if (error instanceof OutboundError) return error;
  const code = errorCode(error);
  const { message } = (error ?? {}) as { message?: unknown };
  const detail = typeof message === 'string' ? message : String(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new OutboundError('TIMEOUT', `the request timed out: ${detail}`, { cause: error });
  }
  const permanent = code !== undefined && (TLS_CODE.test(code) || PERMANENT_DNS_CODES.has(code));
  return new OutboundError('FETCH_FAILED', `the request failed: ${detail}`, {
    transient: !permanent,
    cause: error,
  });
}

function errorCode(error: unknown): string | undefined {
  for (
    let current = error, depth = 0;
    depth < 3 && typeof current === 'object' && current !== null;
    depth++
  ) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}
