// Dashboard users: sign up (account + user, password >= 12 characters) and password verification
// for the gateway's login, which answers the same 401 for an unknown email and a wrong password.
import { parseInput, type Logger } from '@platen/http';
import { Router } from 'express';
import { z } from 'zod';
import type { UserStore } from '../user-store.js';
import { sendData } from './respond.js';

export const PASSWORD_MIN_LENGTH = 12;
// argon2 accepts any length; the bound only keeps request bodies and hashing time sane.
const PASSWORD_MAX_LENGTH = 1024;

const signUpRequestSchema = z.object({
  email: z.email().max(254),
  password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
});

const verifyPasswordRequestSchema = z.object({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export interface UserRoutesDeps {
  users: UserStore;
  logger: Logger;
}

export function userRoutes({ users, logger }: UserRoutesDeps): Router {
  const router = Router();

  router.post('/users', async (req, res) => {
    const identity = await users.signUp(parseInput(signUpRequestSchema, req.body));
    logger.info(
      { request_id: req.requestId, account_id: identity.account_id, user_id: identity.user_id },
      'user signed up',
    );
    sendData(res, identity, 201);
  });

  router.post('/sessions/verify-password', async (req, res) => {
    sendData(res, await users.verifyPassword(parseInput(verifyPasswordRequestSchema, req.body)));
  });

  return router;
}
