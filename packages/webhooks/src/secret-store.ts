// The account's signing secret for deliveries to a render's own `webhook_url`: created on first need,
// rotated on request. After a rotation the previous secret still signs (a second signature) for 24 h,
// so receivers can switch without losing a delivery. Secrets are stored as they are: they are shown again.
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import { generateWebhookSecret } from './webhook-signer.js';

export const SECRET_ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

export interface SecretStore {
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

  return {
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
      const overlapping =
        previous_secret !== null &&
        rotated_at !== null &&
        clock.now().getTime() - rotated_at.getTime() < SECRET_ROTATION_OVERLAP_MS;
      return overlapping ? [secret, previous_secret] : [secret];
    },
  };
}
