// /dashboard/api/*: the web dashboard's JSON API, authenticated by the session cookie (never an API
// key). Accounts, keys, credits and usage are the key-service's (AccountService); renders, batches,
// mockups and webhooks are read and changed here with the same stores and rules as the public API. Every call is
// scoped to the session's account: another account's id is a 404. One file per resource under
// dashboard/; they are registered in this order, which is the order /openapi.json lists them in.
import type { BatchRecords } from '@platen/db';
import type { RouteRegistry } from '@platen/http';
import type { RequestHandler, Router } from 'express';
import type { AccountService } from '@platen/key-service-client';
import type { ArchiveDownload } from '../batches/archive-download.js';
import type { LoginThrottle } from '../dashboard/login-throttle.js';
import type { SessionGuard } from '../dashboard/session-guard.js';
import type { MockupStore } from '../mockups/mockup-store.js';
import type { MockupUploads } from '../mockups/mockup-uploads.js';
import type { RenderAcceptor } from '../renders/render-acceptor.js';
import type { RenderStore } from '../renders/render-store.js';
import type { RenderView } from '../renders/render-view.js';
import type { WebhookAdmin } from '../webhooks/webhook-admin.js';
import { registerDashboardBatchRoutes } from './dashboard/batches.js';
import { registerDashboardCreditRoutes } from './dashboard/credits.js';
import { registerDashboardKeyRoutes } from './dashboard/keys.js';
import { registerDashboardMockupRoutes } from './dashboard/mockups.js';
import { registerDashboardRenderRoutes } from './dashboard/renders.js';
import { createDashboardRouteContext } from './dashboard/route-context.js';
import { registerDashboardSessionRoutes } from './dashboard/session.js';
import { registerDashboardUsageRoutes } from './dashboard/usage.js';
import { registerDashboardWebhookRoutes } from './dashboard/webhooks.js';

export interface DashboardApiDeps {
  registry: RouteRegistry;
  router: Router;
  guard: SessionGuard;
  /** Refuses unsafe requests sent by another site's page. */
  sameSite: RequestHandler;
  jsonBody: RequestHandler[];
  renderBody: RequestHandler[];
  accounts: AccountService;
  throttle: LoginThrottle;
  mockups: MockupStore;
  uploads: MockupUploads;
  renders: RenderStore;
  accept: RenderAcceptor;
  view: RenderView;
  webhooks: WebhookAdmin;
  batches: BatchRecords;
  downloadArchive: ArchiveDownload;
  /** Counts one dashboard render against the account's per-minute ceiling (rejects with 429). */
  limitAccount: (accountId: string) => Promise<void>;
  /** Called for each log-in that passed the throttle and goes on to the password check. */
  onPasswordCheck?: () => void;
}

export function registerDashboardApi(deps: DashboardApiDeps): void {
  const ctx = createDashboardRouteContext(deps);
  const { accounts } = deps;
  registerDashboardSessionRoutes(ctx, {
    accounts,
    throttle: deps.throttle,
    onPasswordCheck: deps.onPasswordCheck,
  });
  registerDashboardKeyRoutes(ctx, accounts);
  registerDashboardUsageRoutes(ctx, accounts);
  registerDashboardCreditRoutes(ctx, accounts);
  registerDashboardRenderRoutes(ctx, deps);
  registerDashboardBatchRoutes(ctx, deps);
  registerDashboardMockupRoutes(ctx, deps);
  registerDashboardWebhookRoutes(ctx, deps.webhooks);
}
