// Typed failures of the pixel engine; the render worker maps `code` onto the render's error code
// (ASSET_* are the caller's fault and not worth retrying, RENDER_FAILED is ours).

export type CompositorErrorCode = 'ASSET_NOT_AN_IMAGE' | 'ASSET_TOO_LARGE' | 'RENDER_FAILED';

export class CompositorError extends Error {
  readonly code: CompositorErrorCode;

  constructor(code: CompositorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CompositorError';
    this.code = code;
  }
}

/** The bytes are not an image we decode (garbage, truncated, or an unsupported format). */
export class AssetNotAnImageError extends CompositorError {
  constructor(message = 'Asset is not a supported image', options?: { cause?: unknown }) {
    super('ASSET_NOT_AN_IMAGE', message, options);
    this.name = 'AssetNotAnImageError';
  }
}

/** The image declares more pixels than the cap: refused before it is decoded. */
export class AssetTooLargeError extends CompositorError {
  constructor(message = 'Asset exceeds the pixel limit', options?: { cause?: unknown }) {
    super('ASSET_TOO_LARGE', message, options);
    this.name = 'AssetTooLargeError';
  }
}

/** Anything else: a broken template, an unknown smart object, a kernel failure. */
export class RenderFailedError extends CompositorError {
  constructor(message = 'Render failed', options?: { cause?: unknown }) {
    super('RENDER_FAILED', message, options);
    this.name = 'RenderFailedError';
  }
}

export function isCompositorError(error: unknown): error is CompositorError {
  return error instanceof CompositorError;
}
