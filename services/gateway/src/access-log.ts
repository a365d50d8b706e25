// One log line per answered request: ids, path, status, time and at most the key hint. Never
// headers, query strings or bodies; a key pasted into the path is cut down to its hint.
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Replaces anything shaped like `<prefix><more than 8 chars>` by the prefix and first 8 characters. */
export function maskKeys(text: string, keyPrefix: string): string {
  const escaped = keyPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${escaped}([A-Za-z0-9]{8})[A-Za-z0-9]+`, 'g'), `${keyPrefix}$1…`);
}

export function accessLog(logger: Logger, keyPrefix: string): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      logger.info(
        {
          request_id: req.requestId,
          method: req.method,
          path: maskKeys(req.path, keyPrefix),
          status: res.statusCode,
          duration_ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          ...(req.auth ? { key_hint: req.auth.keyHint, account_id: req.auth.accountId } : {}),
        },
        'request',
      );
    });
    next();
  };
}
