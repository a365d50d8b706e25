// A failure the worker itself detects (missing row, unusable inputs, oversized inline artwork), already
// carrying its API failure code and whether a retry can help.
import type { RenderFailureCode } from '@platen/contracts';

export class RenderFailureError extends Error {
  override readonly name = 'RenderFailureError';

  constructor(
    readonly code: RenderFailureCode,
    message: string,
    readonly transient = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
