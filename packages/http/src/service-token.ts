// Service-to-service authentication: every internal call carries a JWT (HS256, 60 s) signed with
// SERVICE_JWT_SECRET. Short-lived so a leaked token is worthless within a minute.
// Verified tokens are remembered until they expire: a signer reuses one token for 30 s, so nearly every
// internal call presents a token already checked, and the HMAC + JSON work is done once per token, not
// per request. Only the exact string that verified is remembered, and never past its `exp`.
import { ApiError, createSystemClock, type Clock } from '@platen/contracts';
import type { RequestHandler } from 'express';
import { jwtVerify, SignJWT } from 'jose';

const AUDIENCE = 'platen-internal';
const TOKEN_TTL_SECONDS = 60;
const REUSE_FOR_MS = 30_000;
/** Distinct live tokens are few (one per calling process per 30 s); the bound only guards memory. */
const DEFAULT_CACHE_SIZE = 1_000;

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Returns a function yielding a valid bearer token; tokens are reused for half their life. */
export function createServiceTokenSigner(secret: string, issuer: string): () => Promise<string> {
  const key = keyOf(secret);
  let cached: { token: string; until: number } | undefined;
  return async () => {
    const now = Date.now();
    if (cached && cached.until > now) return cached.token;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
      .sign(key);
    cached = { token, until: now + REUSE_FOR_MS };
    return token;
  };
}

export interface ServiceTokenOptions {
  /** Tests move it to pass a token's expiry. */
  clock?: Clock;
  /** Most verified tokens remembered at once. */
  cacheSize?: number;
}

/** Express middleware: 401 UNAUTHORIZED unless the request carries a valid service token. */
export function requireServiceToken(secret: string, options: ServiceTokenOptions = {}): RequestHandler {
  const key = keyOf(secret);
  const clock = options.clock ?? createSystemClock();
  const cacheSize = Math.max(1, options.cacheSize ?? DEFAULT_CACHE_SIZE);
  /** token → its expiry (ms). */
  const verified = new Map<string, number>();

  function remember(token: string, expiresAtMs: number, now: number): void {
    if (verified.size >= cacheSize) {
      for (const [cachedToken, until] of verified) if (until <= now) verified.delete(cachedToken);
      // Still full of live tokens: drop the oldest (Map keeps insertion order).
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
    }
    verified.set(token, expiresAtMs);
  }

  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return next(new ApiError('UNAUTHORIZED'));
    const now = clock.now().getTime();
    const until = verified.get(token);
    if (until !== undefined) {
      if (until > now) return next();
      verified.delete(token);
    }
    jwtVerify(token, key, { audience: AUDIENCE, algorithms: ['HS256'], currentDate: new Date(now) }).then(
      ({ payload }) => {
        // Without an expiry a token is accepted (as jose does) but never remembered.
        if (typeof payload.exp === 'number') remember(token, payload.exp * 1000, now);
        next();
      },
      () => next(new ApiError('UNAUTHORIZED')),
    );
  };
}
