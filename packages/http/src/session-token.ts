// Dashboard sessions: a short-lived JWT (HS256) the key-service signs after a password check and the
// gateway verifies locally on every dashboard call. Its key is derived from SERVICE_JWT_SECRET for
// this one purpose, and its audience differs from service tokens', so neither passes for the other.
// The session id (jti) survives refreshes; the CSRF token is an HMAC of it, so it needs no storage.
// The session epoch (sep) is the user's when the token was issued: a password change moves the user
// to the next epoch, and tokens of an earlier one are refused (tokens without it are of epoch 0).
import { createHmac } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

const AUDIENCE = 'platen-dashboard';
const ISSUER = 'platen-key-service';
/** However often a session is refreshed, it ends this long after the password was checked. */
export const SESSION_MAX_LIFETIME_SECONDS = 12 * 3600;

export interface SessionIdentity {
  userId: string;
  accountId: string;
  email: string;
}

export interface SessionClaims extends SessionIdentity {
  sessionId: string;
  issuedAt: Date;
  expiresAt: Date;
  /** When the password was checked: refreshes never go past it + SESSION_MAX_LIFETIME_SECONDS. */
  authenticatedAt: Date;
  /** The user's session epoch when the token was issued. */
  sessionEpoch: number;
}

/** What a token carries over from the session it belongs to (refreshes keep all three). */
export interface SessionState {
  sessionId: string;
  authenticatedAt: Date;
  sessionEpoch: number;
}

export interface IssuedSession {
  token: string;
  expires_at: string;
}

const claimsSchema = z.object({
  sub: z.string(),
  acc: z.string(),
  email: z.string(),
  jti: z.string(),
  iat: z.number(),
  exp: z.number(),
  auth_time: z.number(),
  sep: z.number().int().min(0).default(0),
});

function sessionKey(serviceSecret: string): Uint8Array {
  return createHmac('sha256', serviceSecret).update('platen dashboard sessions v1').digest();
}

export interface SessionTokens {
  /** A token for `identity`; `session` carries the id, password time and epoch over from a refreshed one. */
  issue(identity: SessionIdentity, session: SessionState, now?: Date): Promise<IssuedSession>;
  /** The claims of a valid, unexpired token; undefined for anything else. */
  verify(token: string, now?: Date): Promise<SessionClaims | undefined>;
  /** The CSRF token bound to a session (double-submit: a readable cookie and a header). */
  csrfToken(sessionId: string): string;
}

export function createSessionTokens(
  serviceSecret: string,
  { ttlSeconds }: { ttlSeconds: number },
): SessionTokens {
  const key = sessionKey(serviceSecret);
  return {
    async issue(identity, { sessionId, authenticatedAt, sessionEpoch }, now = new Date()) {
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const lastSecond = Math.floor(authenticatedAt.getTime() / 1000) + SESSION_MAX_LIFETIME_SECONDS;
      const exp = Math.min(nowSeconds + ttlSeconds, lastSecond);
      const token = await new SignJWT({
        acc: identity.accountId,
        email: identity.email,
        auth_time: Math.floor(authenticatedAt.getTime() / 1000),
        sep: sessionEpoch,
      })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(identity.userId)
        .setJti(sessionId)
        .setIssuedAt(nowSeconds)
        .setExpirationTime(exp)
        .sign(key);
      return { token, expires_at: new Date(exp * 1000).toISOString() };
    },

    async verify(token, now = new Date()) {
      try {
        const { payload } = await jwtVerify(token, key, {
          audience: AUDIENCE,
          issuer: ISSUER,
          algorithms: ['HS256'],
          currentDate: now,
        });
        const claims = claimsSchema.parse(payload);
        return {
          userId: claims.sub,
          accountId: claims.acc,
          email: claims.email,
          sessionId: claims.jti,
          issuedAt: new Date(claims.iat * 1000),
          expiresAt: new Date(claims.exp * 1000),
          authenticatedAt: new Date(claims.auth_time * 1000),
          sessionEpoch: claims.sep,
        };
      } catch {
        return undefined;
      }
    },

    csrfToken(sessionId) {
      return createHmac('sha256', key).update(`csrf:${sessionId}`).digest('base64url');
    },
  };
}
