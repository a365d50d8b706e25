// An account with credits and an API key on the fault stack, the render request it sends (a small
// inline artwork into a built-in sample mockup, optionally with a webhook_url), and reading its
// renders back through the public API.
import sharp from 'sharp';
import type { FaultStack } from './fault-stack.js';
import { request } from './load-driver.js';

/** The sample the renders use: small and quick to composite. */
const SAMPLE_SLUG = 'poster-on-wall';
const FINAL = new Set(['succeeded', 'failed']);

export interface RenderView {
  uuid: string;
  status: 'queued' | 'processing' | 'succeeded' | 'failed';
  credits_charged: number;
  attempts: number;
  error: { code: string; message: string } | null;
  result: { url: string; format: string } | null;
  webhook: { status: string; attempts: number } | null;
}

export interface RenderAccount {
  accountId: string;
  key: string;
  initialCredits: number;
  headers: Record<string, string>;
  /** The JSON body of one render request. */
  renderBody(webhookUrl?: string): string;
  /** Every render of the account, through GET /api/v1/renders. */
  renders(): Promise<RenderView[]>;
  /** Polls until every render in `ids` is succeeded or failed; resolves with all of the account's. */
  waitUntilFinal(ids: readonly string[], timeoutMs: number): Promise<RenderView[]>;
}

export async function createRenderAccount(
  stack: FaultStack,
  initialCredits = 100_000,
): Promise<RenderAccount> {
  const accountId = await stack.admin.createAccount(initialCredits);
  const { key } = await stack.admin.createKey(accountId);
  const headers = { 'x-api-key': key };
  const listed = await request(`${stack.gatewayUrl}/api/v1/mockups?limit=100`, { headers });
  const mockups = listed.body.data as { uuid: string; slug: string; smart_objects: { uuid: string }[] }[];
  const mockup = mockups?.find((m) => m.slug === SAMPLE_SLUG);
  if (!mockup)
    throw new Error(`no sample mockup ${SAMPLE_SLUG}: ${listed.status} ${JSON.stringify(listed.body)}`);
  const artwork = await sharp({
    create: { width: 48, height: 48, channels: 3, background: { r: 30, g: 120, b: 200 } },
  })
    .png()
    .toBuffer();
  const data = artwork.toString('base64');

  async function renders(): Promise<RenderView[]> {
    const all: RenderView[] = [];
    let cursor: string | null | undefined;
    for (let page = 0; page < 1_000; page++) {
      const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const answer = await request(`${stack.gatewayUrl}/api/v1/renders?${query}`, {
        headers,
        timeoutMs: 10_000,
      });
      if (answer.status !== 200)
        throw new Error(`GET /api/v1/renders: ${answer.status} ${JSON.stringify(answer.body)}`);
      all.push(...(answer.body.data as RenderView[]));
      cursor = answer.body.next_cursor;
      if (!cursor) return all;
    }
    throw new Error('more than 100,000 renders');
  }

  return {
    accountId,
    key,
    initialCredits,
    headers,
    renderBody: (webhookUrl) =>
      JSON.stringify({
        mockup_uuid: mockup.uuid,
        smart_objects: mockup.smart_objects.map((so) => ({ uuid: so.uuid, asset: { data, fit: 'cover' } })),
        export_options: { format: 'jpeg', size: 160, quality: 80 },
        ...(webhookUrl ? { webhook_url: webhookUrl } : {}),
      }),
    renders,
    async waitUntilFinal(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last: RenderView[] = [];
      let lastError: unknown;
      while (Date.now() < deadline) {
        try {
          last = await renders();
          const byId = new Map(last.map((render) => [render.uuid, render]));
          if (ids.every((id) => FINAL.has(byId.get(id)?.status ?? ''))) return last;
        } catch (error) {
          lastError = error; // the gateway may be between restarts
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const open = last.filter((render) => ids.includes(render.uuid) && !FINAL.has(render.status));
      throw new Error(
        `after ${timeoutMs} ms, ${open.length} of ${ids.length} renders are not final (e.g. ${JSON.stringify(open[0])})` +
          (lastError instanceof Error ? `; last error: ${lastError.message}` : ''),
      );
    },
  };
}
