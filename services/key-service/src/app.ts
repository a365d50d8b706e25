// The key-service's internal HTTP API (gateway and operators only): every /internal/v1 route needs a
// service JWT; /healthz and /readyz do not. No I/O here: everything the app touches is handed in.
import {
  errorHandler,
  jsonBody,
  notFoundHandler,
  requestId,
  requireServiceToken,
  type Logger,
  type SessionTokens,
} from '@platen/http';
import type { RateLimits, Clock } from '@platen/contracts';
import express, { Router, type Express } from 'express';
import type { KeyVerifier } from './key-verifier.js';
import type { Readiness } from './readiness.js';
import { accountRoutes } from './routes/accounts.js';
import { creditRoutes } from './routes/credits.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { usageRoutes } from './routes/usage.js';
import { userRoutes } from './routes/users.js';
import type { Stores } from './stores.js';

export interface AppDeps {
  stores: Stores;
  verifier: KeyVerifier;
  readiness: () => Promise<Readiness>;
  serviceJwtSecret: string;
  /** Signs and checks dashboard session tokens. */
  sessions: SessionTokens;
  /** SIGNUP_CREDITS: the starter credits of an account made by dashboard sign-up. */
  signupCredits: number;
  /** The rate limits of a key without overrides (shown on the dashboard). */
  defaultLimits: RateLimits;
  clock: Clock;
  logger: Logger;
}

export function createApp(deps: AppDeps): Express {
  const {
    stores,
    verifier,
    readiness,
    serviceJwtSecret,
    sessions,
    signupCredits,
    defaultLimits,
    clock,
    logger,
  } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(requestId());
  app.use(healthRoutes({ readiness }));

  const internal = Router();
  internal.use(requireServiceToken(serviceJwtSecret));
  // A batch's charges (up to 500) are the one larger body; parsed here, the next parser skips it.
  internal.use('/accounts/:id/credits/charge-many', jsonBody({ limit: '64kb' }));
  internal.use(jsonBody({ limit: '16kb' }));
  internal.use(keyRoutes({ keys: stores.keys, verifier, logger }));
  internal.use(accountRoutes({ accounts: stores.accounts, logger }));
  internal.use(creditRoutes({ credits: stores.credits }));
  internal.use(usageRoutes({ usage: stores.usage, defaultLimits }));
  internal.use(userRoutes({ users: stores.users, sessions, signupCredits, clock, logger }));
  app.use('/internal/v1', internal);

  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}
