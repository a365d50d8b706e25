// The errors the client throws: PlatenApiError for every answer in Platen's error envelope (and any
// other non-2xx answer), WebhookVerificationError for a delivery that fails verification.

/** A `details.issues` entry of a 400 VALIDATION_ERROR: which field, what is wrong with it. */
export interface ValidationIssue {
  path: string;
  message: string;
}

export interface PlatenApiErrorInit {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown> | undefined;
  requestId?: string | undefined;
  retryAfterSeconds?: number | undefined;
}

/**
 * Platen answered with an error. `code` is the machine code to branch on (`VALIDATION_ERROR`,
 * `INSUFFICIENT_CREDITS`, …, or `UNEXPECTED_RESPONSE` when the answer was not Platen's envelope, e.g.
 * from a proxy); `message` the human text; `request_id` the id to quote to an operator.
 */
export class PlatenApiError extends Error {
  override readonly name = 'PlatenApiError';
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly request_id: string | undefined;
  /** Seconds from a `Retry-After` header, when the answer had one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: PlatenApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? {};
    this.request_id = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** `details.issues` of a VALIDATION_ERROR; empty for every other error. */
  get issues(): ValidationIssue[] {
    const issues = this.details.issues;
    return Array.isArray(issues) ? (issues as ValidationIssue[]) : [];
  }
}

/** A webhook delivery whose signature, timestamp or headers do not check out: drop it. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}
