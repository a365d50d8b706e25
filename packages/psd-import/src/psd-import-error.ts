// Why a PSD cannot be imported, as the mockup's public `error.code` and a one-sentence reason.
export type PsdImportErrorCode =
  'PSD_CORRUPT' | 'PSD_TOO_LARGE' | 'PSD_NO_SMART_OBJECTS' | 'PSD_TOO_MANY_SMART_OBJECTS' | 'PSD_UNSUPPORTED';

export class PsdImportError extends Error {
  override readonly name = 'PsdImportError';

  constructor(
    readonly code: PsdImportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
