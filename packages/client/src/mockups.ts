// client.mockups: the built-ins and the account's own, one by uuid or slug, and PSD/PSB uploads sent
// as multipart from a Blob, which fetch streams (in Node, `await fs.openAsBlob(path)` reads the file
// as it is sent instead of holding it in memory).
import { fetchPage, iteratePages, type Page, type PageQuery } from './pages.js';
import type { Transport } from './transport.js';
import type { Mockup } from './types.js';
import { pollUntil, waitSecondsOf, type PollOptions, type Waiting } from './wait.js';

export interface UploadMockupOptions extends PollOptions {
  /** The mockup's name (default: the file name without its extension). */
  name?: string;
  /** The file name sent when `file` is a Blob without one (default `mockup.psd`). */
  filename?: string;
  /** Wait for the import to end (`ready` or `failed`): `true` up to 300 s, or that many seconds. */
  wait?: boolean | number;
  signal?: AbortSignal;
}

export interface MockupsApi {
  /** The built-ins and the account's own, by name, page after page. */
  list(query?: PageQuery): AsyncGenerator<Mockup, void, undefined>;
  listPage(query?: PageQuery): Promise<Page<Mockup>>;
  /** One mockup by uuid or slug (e.g. `poster-on-wall`). */
  get(idOrSlug: string, options?: { signal?: AbortSignal }): Promise<Mockup>;
  upload(file: Blob, options?: UploadMockupOptions): Promise<Mockup>;
  rename(uuid: string, name: string): Promise<Mockup>;
  delete(uuid: string): Promise<{ uuid: string; deleted: boolean }>;
}

const isFinalMockup = (mockup: Mockup) => mockup.status !== 'processing';

export function createMockupsApi(transport: Transport, waiting: Waiting): MockupsApi {
  const get = async (id: string, { signal }: { signal?: AbortSignal } = {}) =>
    (await transport.request<Mockup>('GET', `/api/v1/templates/${encodeURIComponent(id)}`, { signal })).data;

  return {
    list: (query = {}) => iteratePages<Mockup>(transport, '/api/v1/mockups', { ...query }),
    listPage: (query = {}) => fetchPage<Mockup>(transport, '/api/v1/mockups', { ...query }),
    get,
    async upload(file, { name, filename, wait, signal, ...poll } = {}) {
      const form = new FormData();
      // The name first: the gateway reads the fields in order and streams the file as it comes.
      if (name !== undefined) form.append('name', name);
      const fileName = (file as Partial<File>).name || filename || 'mockup.psd';
      form.append('file', file, fileName);
      const { data } = await transport.request<Mockup>('POST', '/api/v1/mockups', { body: form, signal });
      const seconds = waitSecondsOf(wait);
      const deadline = waiting.now() + seconds * 1000;
      return pollUntil(data, () => get(data.uuid, { signal }), isFinalMockup, deadline, waiting, poll);
    },
    async rename(uuid, name) {
      return (
        await transport.request<Mockup>('PATCH', `/api/v1/mockups/${encodeURIComponent(uuid)}`, {
          json: { name },
        })
      ).data;
    },
    async delete(uuid) {
      return (
        await transport.request<{ uuid: string; deleted: boolean }>(
          'DELETE',
          `/api/v1/mockups/${encodeURIComponent(uuid)}`,
        )
      ).data;
    },
  };
}
