// Every error a render attempt can end with, mapped to docs/api.md's failure code and to "retry or not".
// Permanent: the caller's artwork or our template is wrong and will be wrong again. Transient: the
// asset server or our own infrastructure may recover (5xx, timeouts, resets, a database blip).
import { isCompositorError } from '@platen/compositor';
import type { RenderFailureCode } from '@platen/contracts';
import { TemplateAssetMissingError } from '@platen/mockups';
import { OutboundError, type OutboundErrorCode } from '@platen/outbound';
import { RenderFailureError } from './render-failure.js';

export interface RenderFailure {
  code: RenderFailureCode;
  /** Shown to the client in `error.message`: never internal details of our own systems. */
  message: string;
  transient: boolean;
}

const OUTBOUND_CODES: Record<OutboundErrorCode, RenderFailureCode> = {
  FORBIDDEN_ADDRESS: 'ASSET_FORBIDDEN_ADDRESS',
  TOO_LARGE: 'ASSET_TOO_LARGE',
  TIMEOUT: 'ASSET_TIMEOUT',
  FETCH_FAILED: 'ASSET_FETCH_FAILED',
  BAD_URL: 'ASSET_FETCH_FAILED',
};

export function classifyFailure(error: unknown): RenderFailure {
  if (error instanceof OutboundError) {
    return {
      code: OUTBOUND_CODES[error.code],
      message: `Artwork fetch failed: ${error.message}`,
      transient: error.transient,
    };
  }
  if (isCompositorError(error)) {
    return { code: error.code, message: error.message, transient: false };
  }
  if (error instanceof RenderFailureError) {
    return { code: error.code, message: error.message, transient: error.transient };
  }
  if (error instanceof TemplateAssetMissingError) {
    return { code: 'RENDER_FAILED', message: 'The mockup template is incomplete', transient: false };
  }
  // Ours and unexplained (database, storage, Redis): worth another attempt, and not the client's business.
  return { code: 'RENDER_FAILED', message: 'The render failed', transient: true };
}
