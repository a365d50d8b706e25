// Dashboard users and their sessions. Sign up (account + user, password >= 12 characters, the
// configured starter credits as a ledger grant) and log in
// answer the identity plus a session token (a short-lived JWT the gateway keeps in an HttpOnly
// cookie); log in answers the same 401 for an unknown email, a wrong password and a disabled account.
// Refresh trades a valid token for a later one while the user exists, its account is enabled, the
// session's maximum lifetime is not over and no password change or reset came after the session began.
// A password change (the current password, then the new one) ends every other session of the user and
// answers a new token for the session that made it.
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  logInRequestSchema,
  sessionPasswordChangeSchema,
  signUpRequestSchema,
  type Clock,
} from '@platen/contracts';
import { type Logger, parseInput, sendData, type SessionState, type SessionTokens } from '@platen/http';
import { Router } from 'express';
import { z } from 'zod';
import type { UserIdentity, UserStore } from '../user-store.js';

const refreshRequestSchema = z.object({ token: z.string().min(1).max(4096) });

export interface UserRoutesDeps {
  users: UserStore;
  sessions: SessionTokens;
  /** SIGNUP_CREDITS: what a new sign-up's account starts with. */
  signupCredits: number;
  clock: Clock;
  logger: Logger;
}

export function userRoutes({ users, sessions, signupCredits, clock, logger }: UserRoutesDeps): Router {
  const router = Router();

  async function signedIn(identity: UserIdentity, state: SessionState, now: Date) {
    const session = await sessions.issue(
      { userId: identity.user_id, accountId: identity.account_id, email: identity.email },
      state,
      now,
    );
    return { user_id: identity.user_id, account_id: identity.account_id, email: identity.email, session };
  }

  function withNewSession(identity: UserIdentity) {
    const now = clock.now();
    return signedIn(
      identity,
      { sessionId: randomUUID(), authenticatedAt: now, sessionEpoch: identity.session_epoch },
      now,
    );
  }

  /** The claims and user of a token that may still be used; 401 for anything else. */
  async function liveSession(token: string, now: Date) {
    const claims = await sessions.verify(token, now);
    const identity = claims && (await users.findActive(claims.userId));
    if (!claims || !identity || claims.sessionEpoch < identity.session_epoch) {
      throw new ApiError('UNAUTHORIZED', { message: 'Session expired' });
    }
    return { claims, identity };
  }

  router.post('/users', async (req, res) => {
    const identity = await users.signUp({
      ...parseInput(signUpRequestSchema, req.body),
      credits: signupCredits,
      creditsNote: 'sign-up credits',
    });
    logger.info(
      { request_id: req.requestId, account_id: identity.account_id, user_id: identity.user_id },
      'user signed up',
    );
    sendData(res, await withNewSession(identity), 201);
  });

  router.post('/sessions', async (req, res) => {
    const identity = await users.verifyPassword(parseInput(logInRequestSchema, req.body));
    sendData(res, await withNewSession(identity), 201);
  });

  router.post('/sessions/refresh', async (req, res) => {
    const now = clock.now();
    const { claims, identity } = await liveSession(parseInput(refreshRequestSchema, req.body).token, now);
    const { sessionId, authenticatedAt, sessionEpoch } = claims;
    sendData(res, await signedIn(identity, { sessionId, authenticatedAt, sessionEpoch }, now));
  });

  router.post('/sessions/password', async (req, res) => {
    const input = parseInput(sessionPasswordChangeSchema, req.body);
    const { claims } = await liveSession(input.token, clock.now());
    const changed = await users.changePassword({
      userId: claims.userId,
      currentPassword: input.current_password,
      newPassword: input.new_password,
    });
    logger.info(
      { request_id: req.requestId, account_id: changed.account_id, user_id: changed.user_id },
      'password changed, other sessions ended',
    );
    // The same session goes on, as freshly authenticated, in the epoch that ended the others.
    const now = clock.now();
    const state = { sessionId: claims.sessionId, authenticatedAt: now, sessionEpoch: changed.session_epoch };
    sendData(res, await signedIn(changed, state, now));
  });

  return router;
}
