import express, { type RequestHandler } from 'express';
import { ApiError } from '@platen/contracts';

/**
 * JSON bodies only: a body of another media type is 415, an oversized one 413 (via the error handler).
 * Requests without a body (GET, or POST with no content) pass through.
 */
export function jsonBody(options: { limit: string }): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is('application/json')) return next(new ApiError('UNSUPPORTED_MEDIA_TYPE'));
    next();
  };
  return [requireJson, express.json({ limit: options.limit, strict: true })];
}
