// The API-key middleware of every /api/v1 route: headers → local format and checksum check (no I/O)
// → verified-key cache or key-service → the error rows of docs/api.md. The key itself is never logged:
// only its hint (prefix + first 8 characters), and only once it has the shape of a key.
import { ApiError, apiKeyHint, parseApiKey, type RateLimits, type Clock } from '@platen/contracts';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { readCredentials } from './credentials.js';
import type { KeyResolver } from './key-resolver.js';
import { effectiveStatus } from './verified-key-cache.js';

export interface AuthContext {
  keyId: string;
  accountId: string;
  keyHint: string;
  limits: RateLimits;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by authenticate() on every /api/v1 request that reaches a route. */
    auth?: AuthContext;
  }
}

// Say what to change without echoing the header back: it may hold the key itself.
const AUTHORIZATION_HINTS = {
  'no-scheme':
    'The Authorization header needs the Bearer scheme: send Authorization: Bearer <key> (or the key alone in X-API-KEY)',
  'other-scheme':
    'Only the Bearer scheme is accepted: send Authorization: Bearer <key> (or the key alone in X-API-KEY)',
} as const;

export interface AuthenticateDeps {
  resolver: KeyResolver;
  keyPrefix: string;
  clock: Clock;
  logger: Logger;
}

export function authenticate({ resolver, keyPrefix, clock, logger }: AuthenticateDeps): RequestHandler {
  return async (req, _res, next) => {
    const credentials = readCredentials(req.headers);
    if (credentials.kind === 'missing') throw new ApiError('MISSING_API_KEY');
    if (credentials.kind === 'conflicting') throw new ApiError('CONFLICTING_CREDENTIALS');
    if (credentials.kind === 'invalid') {
      throw new ApiError('INVALID_API_KEY', { message: AUTHORIZATION_HINTS[credentials.reason] });
    }
    if (!parseApiKey(credentials.key, keyPrefix)) throw new ApiError('INVALID_API_KEY');

    const keyHint = apiKeyHint(credentials.key, keyPrefix);
    const resolution = await resolver.resolve(credentials.key);
    if (resolution.kind === 'unavailable') {
      logger.warn(
        { request_id: req.requestId, key_hint: keyHint, reason: resolution.error.message },
        'cannot verify API key',
      );
      throw new ApiError('AUTH_UNAVAILABLE');
    }
    if (resolution.kind === 'unknown') throw new ApiError('INVALID_API_KEY');

    const { key } = resolution;
    const status = effectiveStatus(key, clock.now());
    if (status === 'revoked') throw new ApiError('API_KEY_REVOKED');
    if (status === 'expired') throw new ApiError('API_KEY_EXPIRED');
    req.auth = { keyId: key.keyId, accountId: key.accountId, keyHint: key.keyHint, limits: key.limits };
    next();
  };
}
