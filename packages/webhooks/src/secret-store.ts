// The account's signing secret for deliveries to a render's own `webhook_url`: created on first need,
// rotated on request. After a rotation the previous secret still signs (a second signature) for 24 h,
// so receivers can switch without losing a delivery. Secrets are stored as they are: they are shown again.
import type { Clock } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import { generateWebhookSecret } from './webhook-signer.js';

export const SECRET_ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** What the account is shown: the current secret and how long the replaced one still signs. */
export interface SecretState {
  secret: string;
  rotated_at: Date | null;
  /** Null when no previous secret signs any more. */
  previous_secret_expires_at: Date | null;
}

export interface SecretStore {
  /** The current secret (created now if the account has none) and the rotation overlap. */
  state(accountId: string): Promise<SecretState>;
  /** The account's current secret, created now if it has none. */
  current(accountId: string): Promise<string>;
  /** A new current secret; the one it replaces keeps signing for 24 h (a second rotation drops the older one). */
  rotate(accountId: string): Promise<string>;
  /** What a delivery is signed with now: the current secret, plus the previous one during the overlap. */
  signingSecrets(accountId: string): Promise<string[]>;
}

export function createSecretStore({
  db,
  clock,
  generate = generateWebhookSecret,
}: {
  db: Kysely<Database>;
  clock: Clock;
  generate?: () => string;
}): SecretStore {
  async function row(accountId: string) {
    await db
      .insertInto('renders.webhook_secrets')
      .values({ account_id: accountId, secret: generate(), created_at: clock.now() })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
    return db
      .selectFrom('renders.webhook_secrets')
      .select(['secret', 'previous_secret', 'rotated_at'])
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
  }

  function overlapEnd(rotatedAt: Date | null, previous: string | null): Date | null {
    if (previous === null || rotatedAt === null) return null;
    const end = rotatedAt.getTime() + SECRET_ROTATION_OVERLAP_MS;
    return clock.now().getTime() < end ? new Date(end) : null;
  }

  return {
    async state(accountId) {
      const { secret, previous_secret, rotated_at } = await row(accountId);
      return { secret, rotated_at, previous_secret_expires_at: overlapEnd(rotated_at, previous_secret) };
    },

    async current(accountId) {
      return (await row(accountId)).secret;
    },

    async rotate(accountId) {
      await row(accountId);
      const secret = generate();
      await db
        .updateTable('renders.webhook_secrets')
        .set((eb) => ({ previous_secret: eb.ref('secret'), secret, rotated_at: clock.now() }))
        .where('account_id', '=', accountId)
        .execute();
      return secret;
    },

    async signingSecrets(accountId) {
      const { secret, previous_secret, rotated_at } = await row(accountId);
      return overlapEnd(rotated_at, previous_secret) && previous_secret
        ? [secret, previous_secret]
        : [secret];
    },
  };
}
