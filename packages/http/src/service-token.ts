// Service-to-service authentication: every internal call carries a JWT (HS256, 60 s) signed with
// SERVICE_JWT_SECRET. Short-lived so a leaked token is worthless within a minute.
import { ApiError } from '@platen/contracts';
import type { RequestHandler } from 'express';
import { jwtVerify, SignJWT } from 'jose';

const AUDIENCE = 'platen-internal';
const TOKEN_TTL_SECONDS = 60;
const REUSE_FOR_MS = 30_000;

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

/** Express middleware: 401 UNAUTHORIZED unless the request carries a valid service token. */
export function requireServiceToken(secret: string): RequestHandler {
  const key = keyOf(secret);
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return next(new ApiError('UNAUTHORIZED'));
    jwtVerify(token, key, { audience: AUDIENCE, algorithms: ['HS256'] }).then(
      () => next(),
      () => next(new ApiError('UNAUTHORIZED')),
    );
  };
}
