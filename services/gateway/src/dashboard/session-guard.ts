// The dashboard's session: an HttpOnly, SameSite=Strict cookie holding the key-service's session
// JWT (verified here, no round trip), plus a readable CSRF cookie whose value every unsafe request
// must echo in X-CSRF-Token (double submit, bound to the session id). Unsafe requests from another
// origin are refused outright. A session past half its life is refreshed through the key-service, so
// an active user stays signed in while a closed tab's session dies within the token's TTL. Logout puts
// the session id on a Redis deny list until the last token it could have had expires. A password change
// or reset moves the user to a later session epoch (the key-service writes it to Redis): tokens of an
// earlier epoch are refused in the same one Redis round trip as the deny list.
import { timingSafeEqual } from 'node:crypto';
import { ApiError, type Clock } from '@platen/contracts';
import { SESSION_MAX_LIFETIME_SECONDS, type SessionClaims, type SessionTokens } from '@platen/http';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SignedInUser } from '@platen/contracts';
import type { AccountService } from '@platen/key-service-client';
import { sessionEpochKey } from '@platen/queue';

export const SESSION_COOKIE = 'platen_session';
export const CSRF_COOKIE = 'platen_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
const COOKIE_PATH = '/dashboard';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface DashboardSession {
  userId: string;
  accountId: string;
  email: string;
  sessionId: string;
  csrfToken: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    dashboardSession?: DashboardSession;
  }
}

export function sessionOf(req: Request): DashboardSession {
  if (!req.dashboardSession) throw new Error('dashboard routes run only after the session guard');
  return req.dashboardSession;
}

/** The value of one cookie of the request (no cookie-parser: two cookies is all we read). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      try {
        return decodeURIComponent(part.slice(separator + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A browser names the page that sent an unsafe request; it must be this site. */
export function refuseCrossSite(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get('origin');
    const fetchSite = req.get('sec-fetch-site');
    const ownOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
    if ((origin !== undefined && origin !== ownOrigin) || fetchSite === 'cross-site') {
      return next(new ApiError('FORBIDDEN', { message: 'Cross-site request refused' }));
    }
    next();
  };
}

export interface SessionGuardDeps {
  tokens: SessionTokens;
  accounts: AccountService;
  redis: Redis;
  redisPrefix: string;
  clock: Clock;
  logger: Logger;
}

export interface SessionGuard {
  /** 401 without a live session; 403 when an unsafe request lacks the session's CSRF token. */
  require: RequestHandler;
  /** Sets both cookies for a session the key-service just issued; returns what `me` shows. */
  start(req: Request, res: Response, signedIn: SignedInUser): Promise<DashboardSession>;
  /** Ends the session everywhere (deny list) and clears the cookies. */
  end(req: Request, res: Response): Promise<void>;
}

export function createSessionGuard({
  tokens,
  accounts,
  redis,
  redisPrefix,
  clock,
  logger,
}: SessionGuardDeps): SessionGuard {
  const denyKey = (sessionId: string) => `${redisPrefix}:dashboard:ended:${sessionId}`;

  function cookieOptions(req: Request, expiresAt: Date, httpOnly: boolean): CookieOptions {
    return {
      httpOnly,
      sameSite: 'strict',
      secure: req.secure,
      path: COOKIE_PATH,
      maxAge: Math.max(0, expiresAt.getTime() - clock.now().getTime()),
    };
  }

  function setCookies(req: Request, res: Response, token: string, claims: SessionClaims): DashboardSession {
    const csrfToken = tokens.csrfToken(claims.sessionId);
    res.cookie(SESSION_COOKIE, token, cookieOptions(req, claims.expiresAt, true));
    res.cookie(CSRF_COOKIE, csrfToken, cookieOptions(req, claims.expiresAt, false));
    return {
      userId: claims.userId,
      accountId: claims.accountId,
      email: claims.email,
      sessionId: claims.sessionId,
      csrfToken,
    };
  }

  async function ended(claims: SessionClaims): Promise<boolean> {
    let denied: string | null | undefined, epoch: string | null | undefined;
    try {
      [denied, epoch] = await redis.mget(
        denyKey(claims.sessionId),
        sessionEpochKey(redisPrefix, claims.userId),
      );
    } catch (error) {
      throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
    }
    return denied != null || (epoch != null && claims.sessionEpoch < Number(epoch));
  }

  /** Past half its life, trade the token for a later one; a failed refresh keeps the current one. */
  async function refreshed(req: Request, res: Response, token: string, claims: SessionClaims) {
    const now = clock.now().getTime();
    const halfLife = (claims.expiresAt.getTime() - claims.issuedAt.getTime()) / 2;
    if (claims.expiresAt.getTime() - now > halfLife) return setCookieless(claims);
    const renewed = await accounts.refresh(token).catch((error: unknown) => {
      logger.warn({ err: error }, 'dashboard session not refreshed');
      return null;
    });
    if (renewed === undefined) throw new ApiError('UNAUTHORIZED', { message: 'Session expired' });
    if (renewed === null) return setCookieless(claims);
    const next = await tokens.verify(renewed.session.token, clock.now());
    if (!next) return setCookieless(claims);
    return setCookies(req, res, renewed.session.token, next);
  }

  function setCookieless(claims: SessionClaims): DashboardSession {
    return {
      userId: claims.userId,
      accountId: claims.accountId,
      email: claims.email,
      sessionId: claims.sessionId,
      csrfToken: tokens.csrfToken(claims.sessionId),
    };
  }

  return {
    require: (req, res, next) => {
      void (async () => {
        const token = readCookie(req, SESSION_COOKIE);
        const claims = token ? await tokens.verify(token, clock.now()) : undefined;
        if (!token || !claims || (await ended(claims))) throw new ApiError('UNAUTHORIZED');
        if (!SAFE_METHODS.has(req.method)) {
          const sent = req.get(CSRF_HEADER) ?? '';
          if (!sameString(sent, tokens.csrfToken(claims.sessionId))) {
            throw new ApiError('FORBIDDEN', { message: `Missing or wrong ${CSRF_HEADER} header` });
          }
        }
        req.dashboardSession = await refreshed(req, res, token, claims);
      })().then(() => next(), next);
    },

    async start(req, res, signedIn) {
      const claims = await tokens.verify(signedIn.session.token, clock.now());
      if (!claims) throw new Error('the key-service issued a session token this gateway cannot verify');
      return setCookies(req, res, signedIn.session.token, claims);
    },

    async end(req, res) {
      const session = sessionOf(req);
      // However often it is refreshed, no token of this session lives past this.
      try {
        await redis.set(denyKey(session.sessionId), '1', 'EX', SESSION_MAX_LIFETIME_SECONDS);
      } catch (error) {
        throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
      }
      const options = { path: COOKIE_PATH, sameSite: 'strict' as const, secure: req.secure };
      res.clearCookie(SESSION_COOKIE, { ...options, httpOnly: true });
      res.clearCookie(CSRF_COOKIE, options);
    },
  };
}
