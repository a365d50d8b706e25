// Cuts off a request whose body stops arriving. Every window of `timeoutMs` must bring at least
// `minProgressBytes` more of the request or its end; otherwise the answer is 408 REQUEST_TIMEOUT
// (when none was sent yet) and the connection is closed, which ends whatever was reading the body
// (the JSON parser, a PSD upload, which then removes its partial file). Progress is read from the
// socket's byte count, so the body stream itself is never touched.
import { ApiError, errorEnvelope } from '@platen/contracts';
import type { Request, RequestHandler } from 'express';

/** Enough that a slow but honest link (≈ 2 KB/s at the 30 s default) is never cut off. */
export const MIN_BODY_PROGRESS_BYTES = 64 * 1024;

const timedOut = new WeakSet<Request>();

/** True once the request was cut off by the body timeout (readers tell the client's abort from ours). */
export function isBodyTimedOut(req: Request): boolean {
  return timedOut.has(req);
}

export function bodyTimeout({
  timeoutMs,
  minProgressBytes = MIN_BODY_PROGRESS_BYTES,
}: {
  timeoutMs: number;
  minProgressBytes?: number;
}): RequestHandler {
  return (req, res, next) => {
    const hasBody = req.get('content-length') !== undefined || req.get('transfer-encoding') !== undefined;
    if (!hasBody || req.complete) return next();
    const socket = req.socket;
    let seen = socket.bytesRead;
    const timer = setInterval(() => {
      if (req.complete || socket.destroyed) {
        clearInterval(timer);
        return;
      }
      if (socket.bytesRead - seen >= minProgressBytes) {
        seen = socket.bytesRead;
        return;
      }
      clearInterval(timer);
      timedOut.add(req);
      // Node lets go of a request whose answer is sent, unread body or not: it would then never end
      // or close, and its reader would wait for ever. Destroying it ends the reader (and the socket).
      if (res.headersSent) {
        req.destroy();
        return;
      }
      res.once('finish', () => req.destroy());
      res.setHeader('Connection', 'close');
      res.status(408).json(errorEnvelope(new ApiError('REQUEST_TIMEOUT'), req.requestId));
    }, timeoutMs);
    timer.unref();
    req.once('close', () => clearInterval(timer));
    next();
  };
}
