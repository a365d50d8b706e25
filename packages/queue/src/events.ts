import { z } from 'zod';

/** Payload of the `key.revoked` channel: the key (or every key of the account) stops working now. */
export const keyRevokedEventSchema = z.union([
  z.object({ key_id: z.string().uuid(), reason: z.enum(['revoked', 'rotated', 'expired']) }),
  z.object({ account_id: z.string().uuid(), reason: z.literal('account_disabled') }),
]);
export type KeyRevokedEvent = z.infer<typeof keyRevokedEventSchema>;
