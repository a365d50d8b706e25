// An account's credits: balance, grant, and the charge/refund pair the gateway and worker call (and
// charge-many, a batch's charges all or nothing), each idempotent by render id; the ledger newest first.
import {
  chargeManyRequestSchema,
  creditChangeRequestSchema,
  creditGrantRequestSchema,
  creditRefundRequestSchema,
} from '@platen/contracts';
import { parseInput, sendData, sendPage } from '@platen/http';
import { Router } from 'express';
import type { CreditLedger } from '../credit-ledger.js';
import { pageQuerySchema } from './page-query.js';

export interface CreditRoutesDeps {
  credits: CreditLedger;
}

export function creditRoutes({ credits }: CreditRoutesDeps): Router {
  const router = Router();

  router.get('/accounts/:id/credits', async (req, res) => {
    sendData(res, { balance: await credits.balance(req.params.id) });
  });

  router.post('/accounts/:id/credits/grant', async (req, res) => {
    const input = parseInput(creditGrantRequestSchema, req.body);
    sendData(res, await credits.grant(req.params.id, input));
  });

  router.post('/accounts/:id/credits/charge', async (req, res) => {
    const input = parseInput(creditChangeRequestSchema, req.body);
    sendData(res, await credits.charge(req.params.id, input));
  });

  router.post('/accounts/:id/credits/charge-many', async (req, res) => {
    const input = parseInput(chargeManyRequestSchema, req.body);
    sendData(res, await credits.chargeMany(req.params.id, input.charges));
  });

  router.post('/accounts/:id/credits/refund', async (req, res) => {
    const input = parseInput(creditRefundRequestSchema, req.body);
    sendData(res, await credits.refund(req.params.id, input));
  });

  router.get('/accounts/:id/ledger', async (req, res) => {
    const page = parseInput(pageQuerySchema, req.query);
    sendPage(res, await credits.entries(req.params.id, page));
  });

  return router;
}
