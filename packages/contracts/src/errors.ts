// The one catalogue of error codes: code → HTTP status and the exact human text of docs/api.md.
// Routes throw ApiError('CODE'); one middleware turns it into the envelope.

export const errorCatalogue = {
  MISSING_API_KEY: {
    status: 401,
    message: 'No API key: send it in the X-API-KEY header or as Authorization: Bearer <key>',
  },
  INVALID_API_KEY: { status: 401, message: 'Invalid API key' },
  API_KEY_REVOKED: { status: 401, message: 'API key revoked' },
  API_KEY_EXPIRED: { status: 401, message: 'API key expired' },
  CONFLICTING_CREDENTIALS: { status: 400, message: 'Conflicting API keys' },
  AUTH_UNAVAILABLE: { status: 503, message: 'Authentication temporarily unavailable' },
  VALIDATION_ERROR: { status: 400, message: 'Request validation failed' },
  UNAUTHORIZED: { status: 401, message: 'Authentication required' },
  FORBIDDEN: { status: 403, message: 'Forbidden' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONFLICT: { status: 409, message: 'Conflict' },
  IDEMPOTENCY_CONFLICT: { status: 409, message: 'Idempotency-Key was already used with a different request' },
  INSUFFICIENT_CREDITS: { status: 402, message: 'Insufficient credits' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Payload too large' },
  REQUEST_TIMEOUT: { status: 408, message: 'Request body timed out: send it without long pauses' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported media type: send application/json' },
  RATE_LIMIT_EXCEEDED: { status: 429, message: 'Rate limit exceeded' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service temporarily unavailable' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    options: { message?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(options.message ?? errorCatalogue[code].message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = options.details;
  }
}

export interface ErrorEnvelope {
  success: false;
  error: string;
  detail: string;
  code: ErrorCode;
  details?: Record<string, unknown>;
  request_id: string;
}

export function errorEnvelope(error: ApiError, requestId: string): ErrorEnvelope {
  return {
    success: false,
    error: error.message,
    detail: error.message,
    code: error.code,
    ...(error.details ? { details: error.details } : {}),
    request_id: requestId,
  };
}

/** One entry of `details.issues` in a VALIDATION_ERROR. */
export interface ValidationIssue {
  path: string;
  message: string;
}

export function validationError(issues: ValidationIssue[]): ApiError {
  const first = issues[0];
  const message = first
    ? `${first.path || 'body'}: ${first.message}`
    : errorCatalogue.VALIDATION_ERROR.message;
  return new ApiError('VALIDATION_ERROR', { message, details: { issues } });
}
