// Accounts: create, look up by id or email, disable (which revokes every key of the account).
import { ApiError, createAccountRequestSchema } from '@platen/contracts';
import { type Logger, parseInput, sendData } from '@platen/http';
import { Router } from 'express';
import { z } from 'zod';
import type { AccountStore } from '../account-store.js';

export interface AccountRoutesDeps {
  accounts: AccountStore;
  logger: Logger;
}

const byEmailQuerySchema = z.object({ email: z.string().min(1).max(254) });

export function accountRoutes({ accounts, logger }: AccountRoutesDeps): Router {
  const router = Router();

  router.post('/accounts', async (req, res) => {
    const input = parseInput(createAccountRequestSchema, req.body);
    sendData(res, await accounts.create(input), 201);
  });

  router.get('/accounts', async (req, res) => {
    const { email } = parseInput(byEmailQuerySchema, req.query);
    const account = await accounts.findByEmail(email);
    if (!account) throw new ApiError('NOT_FOUND');
    sendData(res, account);
  });

  router.get('/accounts/:id', async (req, res) => {
    sendData(res, await accounts.get(req.params.id));
  });

  router.post('/accounts/:id/disable', async (req, res) => {
    const account = await accounts.disable(req.params.id);
    logger.info({ request_id: req.requestId, account_id: account.id }, 'account disabled');
    sendData(res, account);
  });

  return router;
}
