// Dashboard users and their sessions. Sign up (account + user, password >= 12 characters, the
// configured starter credits as a ledger grant) and log in
// answer the identity plus a session token (a short-lived JWT the gateway keeps in an HttpOnly
// cookie); log in answers the same 401 for an unknown email, a wrong password and a disabled account.
// Refresh trades a valid token for a later one while the user exists, its account is enabled and the
// session's maximum lifetime is not over.
import { randomUUID } from 'node:crypto';
import { ApiError, logInRequestSchema, signUpRequestSchema, type Clock } from '@platen/contracts';
import { type Logger, parseInput, sendData, type SessionTokens } from '@platen/http';
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

  async function withNewSession(identity: UserIdentity) {
    const now = clock.now();
    const session = await sessions.issue(
      { userId: identity.user_id, accountId: identity.account_id, email: identity.email },
      { sessionId: randomUUID(), authenticatedAt: now },
      now,
    );
    return { ...identity, session };
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
    const claims = await sessions.verify(parseInput(refreshRequestSchema, req.body).token, now);
    const identity = claims && (await users.findActive(claims.userId));
    if (!claims || !identity) throw new ApiError('UNAUTHORIZED', { message: 'Session expired' });
    const session = await sessions.issue(
      { userId: identity.user_id, accountId: identity.account_id, email: identity.email },
      { sessionId: claims.sessionId, authenticatedAt: claims.authenticatedAt },
      now,
    );
    sendData(res, { ...identity, session });
  });

  return router;
}
