import express, { type RequestHandler } from 'express';
import { ApiError, jsonProblem, validationError } from '@platen/contracts';

/** Deeper JSON is refused before any handler (or JSON.stringify) walks it: 5,000 levels overflowed the stack. */
export const MAX_BODY_DEPTH = 64;
/** What express.json decodes; brotli is refused so every route (and busboy uploads) agree on one list. */
const ACCEPTED_ENCODINGS = new Set(['identity', 'gzip', 'deflate']);

/**
 * JSON bodies only: a body of another media type or Content-Encoding is 415, an oversized one 413,
 * one nested deeper than MAX_BODY_DEPTH 400 (via the error handler). Requests without a body (GET,
 * or POST with no content) pass through.
 */
export function jsonBody(options: { limit: string }): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is('application/json')) return next(new ApiError('UNSUPPORTED_MEDIA_TYPE'));
    const encoding = req.get('content-encoding')?.trim().toLowerCase();
    if (hasBody && encoding !== undefined && !ACCEPTED_ENCODINGS.has(encoding)) {
      return next(
        new ApiError('UNSUPPORTED_MEDIA_TYPE', {
          message: 'Unsupported Content-Encoding: send the body uncompressed, gzip or deflate',
        }),
      );
    }
    next();
  };
  const boundDepth: RequestHandler = (req, _res, next) => {
    if (jsonProblem(req.body, { maxDepth: MAX_BODY_DEPTH, depthOnly: true }) === 'too_deep') {
      return next(
        validationError([{ path: '', message: `must not nest deeper than ${MAX_BODY_DEPTH} levels` }]),
      );
    }
    next();
  };
  return [requireJson, express.json({ limit: options.limit, strict: true }), boundDepth];
}
