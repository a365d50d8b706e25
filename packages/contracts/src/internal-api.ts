// Shapes of the key-service's internal HTTP API (gateway and operators only).
// Every call carries a short-lived service JWT; see services/key-service.
import { z } from 'zod';
import { storableText } from './storable-text.js';

export const KEY_STATUSES = ['active', 'revoked', 'expired'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export const rateLimitsSchema = z.object({
  per_minute: z.number().int().positive(),
  per_day: z.number().int().positive(),
});
export type RateLimits = z.infer<typeof rateLimitsSchema>;

export const verifyKeyRequestSchema = z.object({ key: z.string().min(1).max(256) });

/** A wrong secret and an unknown lookup id both answer `{ valid: false }`. */
export const verifyKeyResponseSchema = z.discriminatedUnion('valid', [
  z.object({ valid: z.literal(false) }),
  z.object({
    valid: z.literal(true),
    key_id: z.string().uuid(),
    account_id: z.string().uuid(),
    key_hint: z.string(),
    status: z.enum(KEY_STATUSES),
    expires_at: z.string().nullable(),
    /** A rotated-out key carries its scheduled revocation (now + grace) here; gateways honour it to the second. */
    revoked_at: z.string().nullable(),
    limits: rateLimitsSchema,
  }),
]);
export type VerifyKeyResponse = z.infer<typeof verifyKeyResponseSchema>;

/** The dashboard / CLI view of a key: never the key or its hash. */
export const apiKeySummarySchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  key_hint: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  status: z.enum(KEY_STATUSES),
  requests_total: z.number().int(),
  credits_used: z.number().int(),
});
export type ApiKeySummary = z.infer<typeof apiKeySummarySchema>;

export const createdApiKeySchema = apiKeySummarySchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export const KEY_NAME_MAX = 100;
export const MAX_ROTATE_GRACE_SECONDS = 7 * 24 * 3600;

export const createKeyRequestSchema = z.object({
  name: storableText({ min: 1, max: KEY_NAME_MAX, trim: true }),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
  rate_limits: rateLimitsSchema.partial().optional(),
});

export const rotateKeyRequestSchema = z.object({
  grace_seconds: z.number().int().min(0).max(MAX_ROTATE_GRACE_SECONDS).default(0),
});

export const accountSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  credits: z.number().int(),
  created_at: z.string(),
  disabled_at: z.string().nullable(),
});
export type Account = z.infer<typeof accountSchema>;

export const createAccountRequestSchema = z.object({
  email: z.email().max(254),
  credits: z.number().int().min(0).max(1_000_000_000).default(0),
});

export const creditChangeRequestSchema = z.object({
  render_id: z.string().uuid(),
  amount: z.number().int().positive().max(1_000_000),
});
export const creditRefundRequestSchema = z.object({ render_id: z.string().uuid() });
export const creditGrantRequestSchema = z.object({
  amount: z.number().int().positive().max(1_000_000_000),
  note: storableText({ max: 200 }).optional(),
});

/** The most charges one charge-many call carries: a batch's renders. */
export const CHARGE_MANY_MAX = 500;

/** A batch's charges: applied together or not at all, each still idempotent per render id. */
export const chargeManyRequestSchema = z.object({
  charges: z
    .array(creditChangeRequestSchema)
    .min(1)
    .max(CHARGE_MANY_MAX)
    .refine(
      (charges) => new Set(charges.map((charge) => charge.render_id)).size === charges.length,
      'must not repeat a render_id',
    ),
});
export type ChargeManyRequest = z.infer<typeof chargeManyRequestSchema>;

/** `applied`: how many of the charges were applied now (0 for a replay of the same set). */
export const chargeManyResponseSchema = z.object({
  applied: z.number().int().min(0),
  balance: z.number().int(),
});
export type ChargeManyResponse = z.infer<typeof chargeManyResponseSchema>;

/** Result of a charge or refund: `applied` is false when the same render id was already charged/refunded. */
export const creditChangeResponseSchema = z.object({ applied: z.boolean(), balance: z.number().int() });
export type CreditChangeResponse = z.infer<typeof creditChangeResponseSchema>;

// ---- dashboard users (the gateway's /dashboard/api and the key-service's /users, /sessions) ----

export const PASSWORD_MIN_LENGTH = 12;
// argon2 accepts any length; the bound only keeps request bodies and hashing time sane.
export const PASSWORD_MAX_LENGTH = 1024;

export const signUpRequestSchema = z
  .object({
    email: z.email().max(254),
    password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
  })
  .meta({ id: 'SignUpRequest' });

export const logInRequestSchema = z
  .object({
    // Looked up in the database as given: a NUL would reach Postgres.
    email: storableText({ min: 1, max: 254 }),
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  })
  .meta({ id: 'LogInRequest' });

/** A signed-in user's new password; every other session of the user ends with the change. */
export const changePasswordRequestSchema = z
  .object({
    current_password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    new_password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
  })
  .meta({ id: 'ChangePasswordRequest' });

/** The key-service's form: the session token of the user changing it, as a refresh sends it. */
export const sessionPasswordChangeSchema = z.object({
  token: z.string().min(1).max(4096),
  ...changePasswordRequestSchema.shape,
});

/** The key-service's answer to sign-up, log-in, session refresh and password change. */
export const signedInUserSchema = z.object({
  user_id: z.string().uuid(),
  account_id: z.string().uuid(),
  email: z.string(),
  session: z.object({ token: z.string(), expires_at: z.string() }),
});
export type SignedInUser = z.infer<typeof signedInUserSchema>;
