// A render row in API.md's public shape, for webhook payloads: the same fields the gateway answers
// with (its render-view.ts), result.url signed for RESULT_URL_TTL_SECONDS from the moment of the event.
import type { Render, RenderFailureCode } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { ObjectStorage } from '@platen/storage';
import type { Kysely } from 'kysely';

export interface RenderObjects {
  /** The render as the API shows it, or undefined if it does not exist. */
  load(
    renderId: string,
  ): Promise<{ accountId: string; webhookUrl: string | null; render: Render } | undefined>;
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

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
      const render: Render = {
        uuid: row.id,
        status: row.status,
        mockup_uuid: row.mockup_id,
        created_at: row.created_at.toISOString(),
        started_at: iso(row.started_at),
        completed_at: iso(row.completed_at),
        result:
          row.status === 'succeeded' && row.result_key
            ? {
                url: await storage.signedUrl(row.result_key, urlTtlSeconds),
                width: row.result_width ?? 0,
                height: row.result_height ?? 0,
                format: (row.result_format ?? 'png') as NonNullable<Render['result']>['format'],
                bytes: row.result_bytes ?? 0,
              }
            : null,
        error: row.error_code
          ? { code: row.error_code as RenderFailureCode, message: row.error_message ?? row.error_code }
          : null,
        credits_charged: row.credits_charged,
        attempts: row.attempts,
        metadata: row.metadata,
        webhook: row.webhook_url
          ? { url: row.webhook_url, status: row.webhook_status ?? 'pending', attempts: row.webhook_attempts }
          : null,
      };
      return { accountId: row.account_id, webhookUrl: row.webhook_url, render };
    },
  };
}
