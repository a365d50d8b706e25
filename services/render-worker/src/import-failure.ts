// Every error an import can end with, mapped to the mockup's public `error.code` and to "retry or
// not". Permanent: the upload itself is wrong (a corrupt PSD, a manifest whose images do not decode).
// Transient: our storage, database or an asset server may recover; the job is retried by BullMQ and
// a last failure is recorded as IMPORT_FAILED.
import { isCompositorError } from '@platen/compositor';
import type { MockupImportErrorCode } from '@platen/contracts';
import { OutboundError, type OutboundErrorCode } from '@platen/outbound';
import { PsdImportError } from '@platen/psd-import';

export interface ImportFailure {
  code: MockupImportErrorCode;
  /** Shown to the client in `error.message`: never internal details of our own systems. */
  message: string;
  transient: boolean;
}

/** A problem the importer finds in the upload itself (a manifest asset that is missing, say). */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';

  constructor(
    readonly code: MockupImportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const OUTBOUND_CODES: Record<OutboundErrorCode, MockupImportErrorCode> = {
  FORBIDDEN_ADDRESS: 'ASSET_FORBIDDEN_ADDRESS',
  TOO_LARGE: 'ASSET_TOO_LARGE',
  TIMEOUT: 'ASSET_TIMEOUT',
  FETCH_FAILED: 'ASSET_FETCH_FAILED',
  BAD_URL: 'ASSET_FETCH_FAILED',
};

export function classifyImportFailure(error: unknown): ImportFailure {
  if (error instanceof PsdImportError) return { code: error.code, message: error.message, transient: false };
  if (error instanceof ImportRefusedError)
    return { code: error.code, message: error.message, transient: false };
  if (error instanceof OutboundError) {
    return {
      code: OUTBOUND_CODES[error.code],
      message: `Layer image fetch failed: ${error.message}`,
      transient: error.transient,
    };
  }
  if (isCompositorError(error)) {
    const code = error.code === 'RENDER_FAILED' ? 'MANIFEST_INVALID' : error.code;
    return { code, message: `The template does not render: ${error.message}`, transient: false };
  }
  return { code: 'IMPORT_FAILED', message: 'The import failed', transient: true };
}
