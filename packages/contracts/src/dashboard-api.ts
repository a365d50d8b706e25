// The dashboard JSON API's own answers (/dashboard/api/*), written once: the gateway's routes document
// and send them, and the web page takes their types with `import type` (so no zod reaches the browser).
// The dashboard's other answers are the public API's shapes (renders, mockups, webhooks, keys).
import { z } from 'zod';
import { rateLimitsSchema } from './internal-api.js';
import { renderSchema, webhookDeliverySchema } from './public-api.js';

export const dashboardMeSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string() }),
    account: z.object({ id: z.string(), email: z.string(), credits: z.number().int() }),
    rate_limits: rateLimitsSchema,
    csrf_token: z.string().meta({ description: 'Send it back in X-CSRF-Token on every POST and DELETE' }),
  })
  .meta({ id: 'DashboardMe' });
export type DashboardMe = z.infer<typeof dashboardMeSchema>;

export const CREDIT_ENTRY_KINDS = ['grant', 'charge', 'refund'] as const;

export const creditEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(CREDIT_ENTRY_KINDS),
  amount: z.number().int(),
  render_id: z.string().nullable(),
  note: z.string().nullable(),
  created_at: z.string(),
});
/** Signed amount: grants and refunds positive, charges negative; `note` says why for manual grants. */
export type CreditEntry = z.infer<typeof creditEntrySchema>;

export const creditLedgerSchema = z.object({
  balance: z.number().int(),
  entries: z.array(creditEntrySchema),
});
export type CreditLedger = z.infer<typeof creditLedgerSchema>;

export const usageRowSchema = z.object({
  date: z.string(),
  key_id: z.string(),
  key_name: z.string(),
  requests: z.number().int(),
  renders: z.number().int(),
  credits: z.number().int(),
});
/** One key's activity on one UTC day; only days with activity have rows. */
export type UsageRow = z.infer<typeof usageRowSchema>;

export const usageReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(usageRowSchema),
});
export type UsageReport = z.infer<typeof usageReportSchema>;

export const renderDetailSchema = renderSchema.extend({ webhook_deliveries: z.array(webhookDeliverySchema) });
/** A render with the attempts of its webhook deliveries. */
export type RenderDetail = z.infer<typeof renderDetailSchema>;

export const loggedOutSchema = z.object({ logged_out: z.literal(true) });
export const deletedMockupSchema = z.object({ uuid: z.uuid(), deleted: z.literal(true) });
export const deletedWebhookEndpointSchema = z.object({ id: z.string(), deleted: z.literal(true) });
