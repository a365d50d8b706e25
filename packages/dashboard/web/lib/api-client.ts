// The dashboard API (/dashboard/api/*) as typed calls. Every call that is not a GET sends JSON
// (`{}` when it has no body) and, once logged in, the CSRF token read from the platen_csrf cookie.
// A 401 on anything but login/signup means the session is gone: onUnauthorized sends the user to login.
import { ApiError, apiErrorFromResponse } from './api-error.js';
import type {
  ApiKey,
  Batch,
  BatchSummary,
  CreateRenderBody,
  CreatedApiKey,
  CreatedWebhookEndpoint,
  CreditsPage,
  KeyStatus,
  Me,
  Mockup,
  Page,
  Render,
  RenderDetail,
  RenderStatus,
  UsageReport,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEvent,
  WebhookSecret,
} from './api-types.js';

/** The part of fetch the client uses (the browser's fetch in the page, a fake in tests). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; credentials: 'same-origin' },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface ApiClientDeps {
  fetch: FetchLike;
  /** e.g. `/dashboard/api` */
  baseUrl: string;
  /** The current CSRF token, or null before login. */
  csrfToken: () => string | null;
  /** Called when an authenticated call answers 401 (session expired or logged out elsewhere). */
  onUnauthorized: () => void;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** false for login/signup, where a 401 is a wrong password, not an ended session. */
  sessionCall?: boolean;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Lists the page shows whole (keys, mockups) are read 100 at a time, up to this many pages. */
export const MAX_PAGES = 50;

function queryString(query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function createApiClient({ fetch, baseUrl, csrfToken, onUnauthorized }: ApiClientDeps) {
  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | undefined;
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body ?? {});
      const token = csrfToken();
      if (token) headers['X-CSRF-Token'] = token;
    }
    const url = `${baseUrl}${path}${queryString(options.query)}`;
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await fetch(url, { method, headers, body, credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server. Check your connection and try again.');
    }
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) {
      const error = apiErrorFromResponse(response.status, text, response.headers.get('Retry-After'));
      if (error.status === 401 && options.sessionCall !== false) onUnauthorized();
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent an unreadable answer.');
    }
    if (typeof parsed !== 'object' || parsed === null || !('data' in parsed)) {
      throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent an unexpected answer.');
    }
    return parsed as T;
  }

  async function data<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    return (await request<{ data: T }>(method, path, options)).data;
  }

  async function page<T>(path: string, query: RequestOptions['query']): Promise<Page<T>> {
    const answer = await request<{ data: T[]; next_cursor?: string | null }>('GET', path, { query });
    return { items: answer.data, next_cursor: answer.next_cursor ?? null };
  }

  /** Every page of a list, following next_cursor; bounded so a looping cursor cannot hang the page. */
  async function all<T>(path: string, query: RequestOptions['query'] = {}): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < MAX_PAGES; pages += 1) {
      const answer: Page<T> = await page<T>(path, { ...query, limit: 100, cursor: cursor ?? undefined });
      items.push(...answer.items);
      cursor = answer.next_cursor;
      if (cursor === null) break;
    }
    return items;
  }

  const id = (value: string) => encodeURIComponent(value);

  return {
    signup: (email: string, password: string) =>
      data<Me>('POST', '/signup', { body: { email, password }, sessionCall: false }),
    login: (email: string, password: string) =>
      data<Me>('POST', '/login', { body: { email, password }, sessionCall: false }),
    logout: () => data<{ logged_out: boolean }>('POST', '/logout'),
    me: () => data<Me>('GET', '/me'),
    /** Signs every other session of the user out; this one goes on (its cookies re-issued). */
    changePassword: (currentPassword: string, newPassword: string) =>
      data<Me>('POST', '/password', {
        body: { current_password: currentPassword, new_password: newPassword },
      }),

    listKeys: (status?: KeyStatus) => all<ApiKey>('/keys', { status }),
    createKey: (input: { name: string; expires_at: string | null }) =>
      data<CreatedApiKey>('POST', '/keys', { body: input }),
    revokeKey: (keyId: string) => data<ApiKey>('POST', `/keys/${id(keyId)}/revoke`),
    rotateKey: (keyId: string, graceSeconds: number) =>
      data<CreatedApiKey>('POST', `/keys/${id(keyId)}/rotate`, { body: { grace_seconds: graceSeconds } }),

    usage: (days: number) => data<UsageReport>('GET', '/usage', { query: { days } }),

    credits: async (options: { limit?: number; cursor?: string | null } = {}): Promise<CreditsPage> => {
      const answer = await request<{
        data: Omit<CreditsPage, 'next_cursor'>;
        next_cursor?: string | null;
      }>('GET', '/credits', { query: { limit: options.limit ?? 50, cursor: options.cursor ?? undefined } });
      return { ...answer.data, next_cursor: answer.next_cursor ?? null };
    },

    listRenders: (options: { limit?: number; cursor?: string | null; status?: RenderStatus | '' } = {}) =>
      page<Render>('/renders', {
        limit: options.limit ?? 20,
        cursor: options.cursor ?? undefined,
        status: options.status ?? undefined,
      }),
    getRender: (uuid: string) => data<RenderDetail>('GET', `/renders/${id(uuid)}`),
    createRender: (body: CreateRenderBody) => data<Render>('POST', '/renders', { body }),

    listBatches: (options: { limit?: number; cursor?: string | null } = {}) =>
      page<BatchSummary>('/batches', { limit: options.limit ?? 20, cursor: options.cursor ?? undefined }),
    getBatch: (uuid: string) => data<Batch>('GET', `/batches/${id(uuid)}`),
    /** Where the browser downloads the batch's ZIP (the session cookie authenticates a plain link). */
    batchArchiveUrl: (uuid: string, partial: boolean) =>
      `${baseUrl}/batches/${id(uuid)}/archive${partial ? '?partial=true' : ''}`,

    listMockups: () => all<Mockup>('/mockups'),

    listWebhooks: () => data<WebhookEndpoint[]>('GET', '/webhooks'),
    createWebhook: (input: { url: string; events: WebhookEvent[]; description?: string }) =>
      data<CreatedWebhookEndpoint>('POST', '/webhooks', { body: input }),
    deleteWebhook: (endpointId: string) =>
      data<{ id: string; deleted: boolean }>('DELETE', `/webhooks/${id(endpointId)}`),
    webhookSecret: () => data<WebhookSecret>('GET', '/webhooks/secret'),
    rotateWebhookSecret: () => data<WebhookSecret>('POST', '/webhooks/secret/rotate'),
    webhookDeliveries: (endpointId: string, limit = 20) =>
      data<WebhookDelivery[]>('GET', `/webhooks/${id(endpointId)}/deliveries`, { query: { limit } }),
  };
}
