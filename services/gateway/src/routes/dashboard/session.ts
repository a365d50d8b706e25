// /dashboard/api/signup, login, logout, me and password: the session cookie's life. Sign-ups and
// log-ins are throttled per address (and log-ins per email); a wrong email and a wrong password answer
// alike. A password change checks the current password under the log-in throttle (a stolen session
// cannot guess it faster than a log-in could), ends every other session of the user and re-issues this one.
import {
  ApiError,
  changePasswordRequestSchema,
  dashboardMeSchema,
  logInRequestSchema,
  loggedOutSchema,
  signUpRequestSchema,
  successEnvelope,
} from '@platen/contracts';
import { sendData } from '@platen/http';
import type { Request, Response } from 'express';
import type { SignedInUser } from '@platen/contracts';
import type { AccountService } from '@platen/key-service-client';
import type { LoginThrottle } from '../../dashboard/login-throttle.js';
import {
  readCookie,
  SESSION_COOKIE,
  sessionOf,
  type DashboardSession,
} from '../../dashboard/session-guard.js';
import { BASE, SESSION_ERRORS, tags, UNSAFE_ERRORS, type DashboardRouteContext } from './route-context.js';

export interface DashboardSessionDeps {
  accounts: AccountService;
  throttle: LoginThrottle;
  /** Called for each log-in that passed the throttle and goes on to the password check. */
  onPasswordCheck?: (() => void) | undefined;
}

/** The peer's address; behind a proxy, set express' `trust proxy` so this is the client's. */
function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function registerDashboardSessionRoutes(ctx: DashboardRouteContext, deps: DashboardSessionDeps): void {
  const { registry, router, guard, sameSite, jsonBody } = ctx;
  const { accounts, throttle } = deps;

  async function me(current: DashboardSession) {
    const [account, limits] = await Promise.all([
      accounts.account(current.accountId),
      accounts.defaultLimits(),
    ]);
    return {
      user: { id: current.userId, email: current.email },
      account: { id: account.id, email: account.email, credits: account.credits },
      rate_limits: limits,
      csrf_token: current.csrfToken,
    };
  }

  async function signedIn(req: Request, res: Response, user: SignedInUser, status: number): Promise<void> {
    const current = await guard.start(req, res, user);
    sendData(res, await me(current), status);
  }

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/signup`,
      summary: 'Create an account and its user, and sign in',
      security: 'none',
      body: signUpRequestSchema,
      responses: {
        201: { description: 'Signed in (session cookies set)', schema: successEnvelope(dashboardMeSchema) },
      },
      errors: [
        'VALIDATION_ERROR',
        'CONFLICT',
        'RATE_LIMIT_EXCEEDED',
        'FORBIDDEN',
        'UNSUPPORTED_MEDIA_TYPE',
        'SERVICE_UNAVAILABLE',
      ],
    },
    [sameSite, ...jsonBody],
    async ({ body }, req, res) => {
      await throttle.countSignUp(clientAddress(req));
      await signedIn(req, res, await accounts.signUp(body), 201);
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/login`,
      summary: 'Sign in (attempts are limited per email, per address and per email+address pair)',
      security: 'none',
      body: logInRequestSchema,
      responses: {
        200: { description: 'Signed in (session cookies set)', schema: successEnvelope(dashboardMeSchema) },
      },
      errors: [
        'UNAUTHORIZED',
        'RATE_LIMIT_EXCEEDED',
        'FORBIDDEN',
        'VALIDATION_ERROR',
        'UNSUPPORTED_MEDIA_TYPE',
        'SERVICE_UNAVAILABLE',
      ],
    },
    [sameSite, ...jsonBody],
    async ({ body }, req, res) => {
      const address = clientAddress(req);
      // Reserved before the password check and counted as failed unless it succeeds: parallel
      // guesses cannot all pass a check that only counts afterwards.
      await throttle.reserveLogin(body.email, address);
      deps.onPasswordCheck?.();
      let user: SignedInUser;
      try {
        user = await accounts.logIn(body);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'UNAUTHORIZED') {
          throw new ApiError('UNAUTHORIZED', { message: 'Wrong email or password' });
        }
        throw error;
      }
      await throttle.loginSucceeded(body.email, address);
      await signedIn(req, res, user, 200);
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/logout`,
      summary: 'Sign out (the session ends on every gateway)',
      security: 'session',
      responses: {
        200: { description: 'Signed out', schema: successEnvelope(loggedOutSchema) },
      },
      errors: UNSAFE_ERRORS,
    },
    ctx.unsafe,
    async (_input, req, res) => {
      await guard.end(req, res);
      sendData(res, { logged_out: true });
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/password`,
      summary: "Change the user's password: every other session of the user ends, this one goes on",
      security: 'session',
      body: changePasswordRequestSchema,
      responses: {
        200: {
          description: 'Changed (the session cookies are re-issued)',
          schema: successEnvelope(dashboardMeSchema),
        },
      },
      errors: [...UNSAFE_ERRORS, 'RATE_LIMIT_EXCEEDED', 'SERVICE_UNAVAILABLE'],
    },
    ctx.unsafe,
    async ({ body }, req, res) => {
      const current = sessionOf(req);
      const address = clientAddress(req);
      await throttle.reserveLogin(current.email, address);
      deps.onPasswordCheck?.();
      // The guard let this request in, so the cookie holds a live token of this session.
      const changed = await accounts.changePassword(readCookie(req, SESSION_COOKIE) ?? '', body);
      await throttle.loginSucceeded(current.email, address);
      await signedIn(req, res, changed, 200);
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/me`,
      summary: 'The signed-in user, the account and its credit balance',
      security: 'session',
      responses: { 200: { description: 'Who is signed in', schema: successEnvelope(dashboardMeSchema) } },
      errors: SESSION_ERRORS,
    },
    ctx.session,
    async (_input, req, res) => {
      sendData(res, await me(sessionOf(req)));
    },
  );
}
