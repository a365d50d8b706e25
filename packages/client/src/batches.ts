// client.batches (issue #24): create a batch of renders (Idempotency-Key always sent), read it
// (waiting with ?wait, then polling), list batches, and stream a batch's zip archive.
import type { Batch, BatchSummary, CreateBatchRequest } from './batch-types.js';
import { fetchPage, iteratePages, type Page, type PageQuery } from './pages.js';
import type { Transport } from './transport.js';
import { pollUntil, serverWait, waitSecondsOf, type PollOptions, type Waiting } from './wait.js';

export interface BatchWaitOptions extends PollOptions {
  /** Wait for the batch to finish: `true` up to 300 s, or that many seconds. */
  wait?: boolean | number;
  signal?: AbortSignal;
}

export interface CreateBatchOptions extends BatchWaitOptions {
  /** One per intended batch; default a new random UUID. */
  idempotencyKey?: string;
}

export interface BatchesApi {
  create(body: CreateBatchRequest, options?: CreateBatchOptions): Promise<Batch>;
  get(uuid: string, options?: BatchWaitOptions): Promise<Batch>;
  /** The account's batches, newest first, page after page (without their renders). */
  list(query?: PageQuery): AsyncGenerator<BatchSummary, void, undefined>;
  listPage(query?: PageQuery): Promise<Page<BatchSummary>>;
  /**
   * The zip of every succeeded render plus manifest.json, as a streamed Response (`.body`). An
   * unfinished batch is a 409 CONFLICT unless `partial` is true.
   */
  archive(uuid: string, options?: { partial?: boolean; signal?: AbortSignal }): Promise<Response>;
}

const isFinished = (batch: Batch) => batch.status === 'finished';

export function createBatchesApi(transport: Transport, waiting: Waiting): BatchesApi {
  const read = async (uuid: string, wait: number | undefined, signal?: AbortSignal) =>
    (
      await transport.request<Batch>('GET', `/api/v1/batches/${encodeURIComponent(uuid)}`, {
        query: { wait },
        signal,
      })
    ).data;

  async function waitFor(first: Batch, seconds: number, signal: AbortSignal | undefined, poll: PollOptions) {
    const deadline = waiting.now() + seconds * 1000;
    return pollUntil(
      first,
      () => read(first.uuid, serverWait(Math.max(0, (deadline - waiting.now()) / 1000)), signal),
      isFinished,
      deadline,
      waiting,
      poll,
    );
  }

  return {
    async create(body, { wait, idempotencyKey, signal, ...poll } = {}) {
      const seconds = waitSecondsOf(wait);
      const { data } = await transport.request<Batch>('POST', '/api/v1/renders/batch', {
        json: body,
        query: { wait: serverWait(seconds) },
        headers: { 'Idempotency-Key': idempotencyKey ?? crypto.randomUUID() },
        signal,
      });
      return waitFor(data, seconds, signal, poll);
    },
    async get(uuid, { wait, signal, ...poll } = {}) {
      const seconds = waitSecondsOf(wait);
      return waitFor(await read(uuid, serverWait(seconds), signal), seconds, signal, poll);
    },
    list: (query = {}) => iteratePages<BatchSummary>(transport, '/api/v1/batches', { ...query }),
    listPage: (query = {}) => fetchPage<BatchSummary>(transport, '/api/v1/batches', { ...query }),
    archive: (uuid, { partial, signal } = {}) =>
      transport.send('GET', `/api/v1/batches/${encodeURIComponent(uuid)}/archive`, {
        query: { partial: partial ? 'true' : undefined },
        headers: { accept: 'application/zip, application/json' },
        signal,
      }),
  };
}
