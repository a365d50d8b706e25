// Every call to Platen goes through here: the key header, JSON in and out, the error envelope turned
// into PlatenApiError, and retries. A 429 is always retried after its Retry-After (a refused request
// counts nowhere and created nothing); a 503 or a network error only when sending again cannot create
// a second thing (GET, DELETE, or a POST carrying an Idempotency-Key).
import { PlatenApiError } from './errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first try (default 4). */
  maxRetries?: number;
  /** First backoff delay for a 503 or network error, doubled each time with jitter (default 500 ms). */
  baseDelayMs?: number;
  /** Longest backoff delay (default 10 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown at once (default 60 s). */
  maxRetryAfterSeconds?: number;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: FetchLike;
  retry?: RetryOptions;
  /** Each try's time limit (default 90 s: long enough for `?wait=60`). */
  timeoutMs?: number;
  /** How to wait between tries (default a timer); tests hand in their own. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is (e.g. FormData: fetch sets the multipart boundary). */
  body?: RequestInit['body'];
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  data: T;
  next_cursor?: string | null;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Transport {
  /** The JSON envelope's `data` (and `next_cursor`) of a 2xx answer. */
  request<T>(method: Method, path: string, options?: RequestOptions): Promise<Answer<T>>;
  /** The 2xx response itself, body unread (e.g. a zip archive to stream). */
  send(method: Method, path: string, options?: RequestOptions): Promise<Response>;
}

const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterSeconds: 60,
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds of a Retry-After header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

interface Envelope {
  success?: boolean;
  data?: unknown;
  next_cursor?: string | null;
  error?: string;
  code?: string;
  details?: Record<string, unknown>;
  request_id?: string;
}

async function readJson(response: Response): Promise<Envelope | undefined> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function apiErrorOf(response: Response): Promise<PlatenApiError> {
  const body = await readJson(response);
  const requestId = body?.request_id ?? response.headers.get('x-request-id') ?? undefined;
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  if (body && typeof body.code === 'string') {
    return new PlatenApiError({
      status: response.status,
      code: body.code,
      message: body.error ?? body.code,
      details: body.details,
      requestId,
      retryAfterSeconds: retryAfter,
    });
  }
  return new PlatenApiError({
    status: response.status,
    code: 'UNEXPECTED_RESPONSE',
    message: `Platen answered ${response.status} ${response.statusText}`.trim(),
    requestId,
    retryAfterSeconds: retryAfter,
  });
}

/**
 * True for what fetch throws when the connection failed (a TypeError) or a try ran out of time; not
 * for an abort by the caller. By name: fetch's errors may come from another realm than this code's.
 */
function isNetworkError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TypeError' || name === 'TimeoutError';
}

export function createTransport(options: TransportOptions): Transport {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 90_000;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  const backoff = (retryNumber: number) => {
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** retryNumber);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  function urlOf(path: string, query: Record<string, QueryValue> = {}): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params.set(name, String(value));
    }
    const search = params.toString();
    return `${baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  async function send(
    method: Method,
    path: string,
    { query, json, body, headers = {}, signal }: RequestOptions = {},
  ): Promise<Response> {
    const url = urlOf(path, query);
    const sendAgainIsSafe =
      method === 'GET' ||
      method === 'DELETE' ||
      Object.keys(headers).some((h) => /^idempotency-key$/i.test(h));
    const init = {
      method,
      headers: {
        accept: 'application/json',
        'x-api-key': options.apiKey,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: json === undefined ? body : JSON.stringify(json),
    };

    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < retry.maxRetries;
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(timeoutMs);
        response = await doFetch(url, {
          ...init,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        if (signal?.aborted || !sendAgainIsSafe || !canRetry || !isNetworkError(error)) throw error;
        await sleep(backoff(attempt));
        continue;
      }
      if (response.ok) return response;
      const error = await apiErrorOf(response);
      const retryable = response.status === 429 || (response.status === 503 && sendAgainIsSafe);
      const wait =
        error.retryAfterSeconds ??
        (typeof error.details.retry_after === 'number' ? error.details.retry_after : undefined);
      if (!retryable || !canRetry || (wait !== undefined && wait > retry.maxRetryAfterSeconds)) throw error;
      await sleep(wait !== undefined ? wait * 1000 : backoff(attempt));
    }
  }

  async function request<T>(method: Method, path: string, options?: RequestOptions): Promise<Answer<T>> {
    const response = await send(method, path, options);
    const envelope = (await readJson(response)) ?? {};
    return {
      status: response.status,
      headers: response.headers,
      data: envelope.data as T,
      ...('next_cursor' in envelope ? { next_cursor: envelope.next_cursor ?? null } : {}),
    };
  }

  return { request, send };
}
