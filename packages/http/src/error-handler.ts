// The one place any error becomes an HTTP answer: the envelope of docs/api.md, never a stack.
import { ApiError, errorEnvelope } from '@platen/contracts';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

interface BodyParserError {
  type?: string;
  status?: number;
  code?: unknown;
}

const badRequest = (message: string) =>
  new ApiError('VALIDATION_ERROR', { message, details: { issues: [{ path: '', message }] } });

/** Maps errors thrown by express' own body parsers (and zlib under them) onto catalogue codes. */
function fromBodyParser(error: BodyParserError): ApiError | undefined {
  // A body that is not the gzip/deflate its Content-Encoding claims fails in zlib (Z_DATA_ERROR…).
  if (typeof error.code === 'string' && error.code.startsWith('Z_')) {
    return badRequest('Request body is not valid for its Content-Encoding');
  }
  switch (error.type) {
    case 'request.aborted':
      // The client went away (or the body timeout cut it off): nobody reads this answer.
      return badRequest('Request aborted before its body was complete');
    case 'request.size.invalid':
      return badRequest('Request body length does not match Content-Length');
    case 'entity.too.large':
      return new ApiError('PAYLOAD_TOO_LARGE');
    case 'entity.parse.failed':
      return new ApiError('VALIDATION_ERROR', {
        message: 'Request body is not valid JSON',
        details: { issues: [{ path: '', message: 'Request body is not valid JSON' }] },
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE');
    default:
      return undefined;
  }
}

/** Socket errors of a dependency that is down or restarting (Postgres, Redis, another service). */
const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
/** Postgres: admin/crash shutdown, starting up, too many connections. Class 08 (connection exception) too. */
const UNAVAILABLE_SQLSTATE = new Set(['57P01', '57P02', '57P03', '53300']);
/** pg and pg-pool failures that carry no code. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** A dependency that cannot be reached right now: the request may succeed when retried (503, not a bug). */
function isDependencyUnavailable(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (UNREACHABLE_ERRNO.has(code) || UNAVAILABLE_SQLSTATE.has(code) || /^08[0-9A-Z]{3}$/.test(code))
  )
    return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  // Express decoding a path parameter (or a static file path) with malformed percent-encoding: `%ZZ`.
  if (error instanceof URIError) return badRequest('Malformed percent-encoding in the URL');
  if (error && typeof error === 'object') {
    const mapped = fromBodyParser(error);
    if (mapped) return mapped;
    if (isDependencyUnavailable(error)) return new ApiError('SERVICE_UNAVAILABLE', { cause: error });
  }
  return new ApiError('INTERNAL_ERROR');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const apiError = toApiError(error);
    // A bug (500) is logged with its stack; a dependency being down (503) is expected operation.
    if (apiError.status === 500) {
      logger.error({ err: error, request_id: req.requestId, path: req.path }, 'request failed');
    } else if (apiError.status > 500) {
      logger.warn(
        {
          code: apiError.code,
          request_id: req.requestId,
          path: req.path,
          err: apiError.cause,
        },
        'request refused: dependency unavailable',
      );
    }
    if (res.headersSent) return;
    // A refusal that names when to come back (429, a saturated 503) says so in the header too.
    const retryAfter = apiError.details?.retry_after;
    if (typeof retryAfter === 'number' && !res.getHeader('Retry-After')) {
      res.set('Retry-After', String(retryAfter));
    }
    res.status(apiError.status).json(errorEnvelope(apiError, req.requestId));
  };
}

export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(new ApiError('NOT_FOUND'));
}
