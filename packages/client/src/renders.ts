// client.renders: create (Idempotency-Key always sent, so retries never make a second render; waits
// with ?wait, then polls), get, and the account's renders as an async iterator.
import { fetchPage, iteratePages, type Page, type PageQuery } from './pages.js';
import type { Transport } from './transport.js';
import type { CreateRenderRequest, Render, RenderStatus } from './types.js';
import { pollUntil, serverWait, waitSecondsOf, type PollOptions, type Waiting } from './wait.js';

export interface CreateRenderOptions extends PollOptions {
  /**
   * Wait for the render to end: `true` waits up to 300 s, a number up to that many seconds. The render
   * is returned as it is when the time is up (check `status`). Default: return at once (`queued`).
   */
  wait?: boolean | number;
  /** One per intended render (e.g. your order line id); default a new random UUID. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface ListRendersQuery extends PageQuery {
  status?: RenderStatus;
}

export interface RendersApi {
  create(body: CreateRenderRequest, options?: CreateRenderOptions): Promise<Render>;
  get(uuid: string, options?: { signal?: AbortSignal }): Promise<Render>;
  /** Every render of the account, newest first, page after page. */
  list(query?: ListRendersQuery): AsyncGenerator<Render, void, undefined>;
  listPage(query?: ListRendersQuery): Promise<Page<Render>>;
}

export const isFinalRender = (render: Pick<Render, 'status'>) =>
  render.status === 'succeeded' || render.status === 'failed';

export function createRendersApi(transport: Transport, waiting: Waiting): RendersApi {
  const get = async (uuid: string, { signal }: { signal?: AbortSignal } = {}) =>
    (await transport.request<Render>('GET', `/api/v1/renders/${encodeURIComponent(uuid)}`, { signal })).data;

  return {
    async create(body, { wait, idempotencyKey, signal, ...poll } = {}) {
      const seconds = waitSecondsOf(wait);
      const deadline = waiting.now() + seconds * 1000;
      const { data } = await transport.request<Render>('POST', '/api/v1/renders', {
        json: body,
        query: { wait: serverWait(seconds) },
        headers: { 'Idempotency-Key': idempotencyKey ?? crypto.randomUUID() },
        signal,
      });
      return pollUntil(data, () => get(data.uuid, { signal }), isFinalRender, deadline, waiting, poll);
    },
    get,
    list: ({ status, ...page } = {}) =>
      iteratePages<Render>(transport, '/api/v1/renders', { status, ...page }),
    listPage: ({ status, ...page } = {}) =>
      fetchPage<Render>(transport, '/api/v1/renders', { status, ...page }),
  };
}
