// One log line per answered request: ids, path, status, time and at most the key hint. Never
// headers, query strings or bodies; a key pasted into the path is cut down to its hint.
// When the logger's level drops info lines, a request costs nothing here (checked per request, so
// a level changed at run time takes effect at once).
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** A function replacing anything shaped like `<prefix><more than 8 chars>` by the prefix and first 8 characters. */
export function createKeyMasker(keyPrefix: string): (text: string) => string {
  const escaped = keyPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${escaped}([A-Za-z0-9]{8})[A-Za-z0-9]+`, 'g');
  return (text) => (text.includes(keyPrefix) ? text.replace(pattern, `${keyPrefix}$1…`) : text);
}

export function maskKeys(text: string, keyPrefix: string): string {
  return createKeyMasker(keyPrefix)(text);
}

export function accessLog(logger: Logger, keyPrefix: string): RequestHandler {
  const mask = createKeyMasker(keyPrefix);
  return (req, res, next) => {
    if (!logger.isLevelEnabled('info')) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      logger.info(
        {
          request_id: req.requestId,
          method: req.method,
          path: mask(req.path),
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
