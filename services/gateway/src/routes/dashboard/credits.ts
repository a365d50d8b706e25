// /dashboard/api/credits: the balance and the ledger (the key-service's), newest first.
import { creditLedgerSchema, paginationQuerySchema, successEnvelope } from '@platen/contracts';
import type { AccountService } from '@platen/key-service-client';
import { sessionOf } from '../../dashboard/session-guard.js';
import { BASE, SESSION_ERRORS, tags, type DashboardRouteContext } from './route-context.js';

export function registerDashboardCreditRoutes(ctx: DashboardRouteContext, accounts: AccountService): void {
  ctx.registry.add(
    ctx.router,
    {
      tags,
      method: 'get',
      path: `${BASE}/credits`,
      summary: 'The credit balance and the ledger, newest first',
      security: 'session',
      query: paginationQuerySchema,
      responses: {
        200: { description: 'Balance and a page of entries', schema: successEnvelope(creditLedgerSchema) },
      },
      errors: [...SESSION_ERRORS, 'VALIDATION_ERROR'],
    },
    ctx.session,
    async ({ query }, req, res) => {
      const accountId = sessionOf(req).accountId;
      const [account, page] = await Promise.all([
        accounts.account(accountId),
        accounts.ledger(accountId, query),
      ]);
      // A page whose `data` is not the list itself but the balance with the page's entries, so it is
      // written out here rather than with sendPage.
      res.json({
        success: true,
        data: { balance: account.credits, entries: page.items },
        next_cursor: page.nextCursor,
      });
    },
  );
}
