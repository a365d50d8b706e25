// One error type for every failed dashboard API call, built from the error envelope
// ({error, detail, code, details, request_id}) so the page can show the server's own words.

export interface ValidationIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly requestId: string | null = null,
    /** Seconds to wait before retrying (429), from details.retry_after or the Retry-After header. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }

  get issues(): ValidationIssue[] {
    const issues = this.details['issues'];
    if (!Array.isArray(issues)) return [];
    return issues.flatMap((issue: unknown) => {
      if (typeof issue !== 'object' || issue === null) return [];
      const { path, message } = issue as { path?: unknown; message?: unknown };
      if (typeof message !== 'string') return [];
      const where = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
      return [{ path: where, message }];
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseRetryAfter(header: string | null, details: Record<string, unknown>): number | null {
  const fromDetails = details['retry_after'];
  if (typeof fromDetails === 'number' && Number.isFinite(fromDetails)) return fromDetails;
  if (header !== null && /^\d+$/.test(header.trim())) return Number(header.trim());
  return null;
}

const FALLBACK_MESSAGES: Record<number, string> = {
  401: 'Please log in.',
  403: 'Not allowed.',
  404: 'Not found.',
  413: 'The upload is too large.',
  429: 'Too many attempts. Try again later.',
  502: 'The server is unavailable. Try again shortly.',
  503: 'The server is unavailable. Try again shortly.',
};

/** The ApiError for a non-2xx answer, whatever its body (envelope, HTML error page, nothing). */
export function apiErrorFromResponse(
  status: number,
  bodyText: string,
  retryAfterHeader: string | null,
): ApiError {
  let body: unknown = null;
  try {
    body = bodyText === '' ? null : JSON.parse(bodyText);
  } catch {
    body = null;
  }
  const envelope = isRecord(body) ? body : {};
  const details = isRecord(envelope['details']) ? envelope['details'] : {};
  const text = [envelope['error'], envelope['detail']].find(
    (value): value is string => typeof value === 'string' && value.trim() !== '',
  );
  const code = typeof envelope['code'] === 'string' ? envelope['code'] : `HTTP_${status}`;
  const requestId = typeof envelope['request_id'] === 'string' ? envelope['request_id'] : null;
  const message =
    text ??
    FALLBACK_MESSAGES[status] ??
    (status >= 500 ? 'Something went wrong on the server.' : 'Request failed.');
  return new ApiError(status, code, message, details, requestId, parseRetryAfter(retryAfterHeader, details));
}

/** One line for the user: the message, each invalid field, and the wait for a rate limit. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const parts = [error.message];
    const issues = error.issues.map((issue) =>
      issue.path ? `${issue.path}: ${issue.message}` : issue.message,
    );
    if (issues.length > 0) parts.push(issues.join('; '));
    if (error.retryAfter !== null) parts.push(`Try again in ${error.retryAfter} s.`);
    return parts.join(' — ');
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
