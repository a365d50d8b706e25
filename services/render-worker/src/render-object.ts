// Loads a render for a webhook payload, in docs/api.md's public shape (toPublicRender, shared with the
// gateway), result.url signed for RESULT_URL_TTL_SECONDS from the moment of the event.
import type { Render } from '@platen/contracts';
import { toPublicRender } from '@platen/mockups';
import type { Database } from '@platen/db';
import type { ObjectStorage } from '@platen/storage';
import type { Kysely } from 'kysely';

export interface RenderObjects {
  /** The render as the API shows it, or undefined if it does not exist. */
  load(
    renderId: string,
  ): Promise<{ accountId: string; webhookUrl: string | null; render: Render } | undefined>;
}

export function createRenderObjects({
  db,
  storage,
  urlTtlSeconds,
}: {
  db: Kysely<Database>;
  storage: Pick<ObjectStorage, 'signedUrl'>;
  urlTtlSeconds: number;
}): RenderObjects {
  return {
    async load(renderId) {
      const row = await db
        .selectFrom('renders.renders')
        .selectAll()
        .where('id', '=', renderId)
        .executeTakeFirst();
      if (!row) return undefined;
      const render = await toPublicRender(row, storage, urlTtlSeconds);
      return { accountId: row.account_id, webhookUrl: row.webhook_url, render };
    },
  };
}
