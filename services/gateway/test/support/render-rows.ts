// Render rows for service tests, written straight into `renders.renders`: a finished render of one
// account, optionally with a webhook_url (the worker's part, without running it).
import { randomUUID } from 'node:crypto';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import { BUILTIN_MOCKUPS } from './sample-mockups.js';

export async function insertFinishedRender(
  db: Kysely<Database>,
  accountId: string,
  webhookUrl: string | null = null,
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('renders.renders')
    .values({
      id,
      account_id: accountId,
      key_id: null,
      mockup_id: BUILTIN_MOCKUPS[0]!.uuid,
      status: 'succeeded',
      inputs: JSON.stringify([]),
      export_options: JSON.stringify({ format: 'png' }),
      webhook_url: webhookUrl,
      metadata: null,
      credits_charged: 1,
      webhook_status: webhookUrl ? 'delivered' : null,
      completed_at: new Date(),
    })
    .execute();
  return id;
}
