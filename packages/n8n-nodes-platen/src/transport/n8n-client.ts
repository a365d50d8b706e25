// A Platen client over n8n's own HTTP helpers: the credential's base URL, its API key added by n8n
// (the credential's `authenticate`), answers of every status handed back for the client to judge.
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  IExecuteFunctions,
  IHookFunctions,
  IHttpRequestOptions,
  ILoadOptionsFunctions,
  IWebhookFunctions,
} from 'n8n-workflow';
import { createPlatenClient, type PlatenClient, type PlatenResponse } from './platen-client';
import type { PlatenRequest } from './platen-request';

export const CREDENTIAL = 'platenApi';
const REQUEST_TIMEOUT_MS = 90_000;

type Context = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

interface FullResponse {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  statusCode: number;
}

function parsedBody(body: unknown, binary: boolean): unknown {
  if (binary) return Buffer.isBuffer(body) ? body : Buffer.from(body as ArrayBuffer);
  if (body instanceof ArrayBuffer) body = Buffer.from(body);
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return { error: body.slice(0, 500) };
  }
}

export async function platenClientFor(context: Context): Promise<PlatenClient> {
  const credentials = await context.getCredentials(CREDENTIAL);
  const baseUrl = (credentials.baseUrl as string).replace(/\/+$/, '');

  async function send(request: PlatenRequest): Promise<PlatenResponse> {
    const options: IHttpRequestOptions = {
      method: request.method,
      url: request.url ?? `${baseUrl}${request.path ?? ''}`,
      qs: request.qs,
      headers: { accept: request.binary ? '*/*' : 'application/json', ...request.headers },
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      timeout: REQUEST_TIMEOUT_MS,
      encoding: request.binary ? 'arraybuffer' : 'text',
      json: false,
    };
    if (request.json !== undefined) {
      options.body = JSON.stringify(request.json);
      options.headers = { ...options.headers, 'content-type': 'application/json' };
    } else if (request.raw) {
      options.body = request.raw.data;
      options.headers = { ...options.headers, 'content-type': request.raw.contentType };
    }
    // A signed result URL needs no key, and the key must not travel to another host.
    const response = (
      request.url
        ? await context.helpers.httpRequest(options)
        : await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL, options)
    ) as FullResponse;
    const headers = Object.fromEntries(
      Object.entries(response.headers).map(([name, value]) => [
        name.toLowerCase(),
        Array.isArray(value) ? value.join(', ') : value,
      ]),
    );
    return {
      status: response.statusCode,
      headers,
      // A refused download (404, 409) still answers Platen's JSON error envelope.
      body: parsedBody(response.body, request.binary === true && response.statusCode < 300),
    };
  }

  return createPlatenClient({ send, sleep: (ms) => sleep(ms), now: () => Date.now() });
}
