// A small JSON client for one API key against one gateway, answering {status, headers, body}.
import type { Answer } from './test-stack.js';

/** A 1×1 PNG: the smallest artwork a render can carry inline. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export interface ApiClient {
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export function apiClient(baseUrl: string, key: string): ApiClient {
  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        'X-API-KEY': key,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  }
  return { get: (path, headers) => send('GET', path, undefined, headers), send };
}

/** The `path` of every entry of details.issues. */
export function issuePaths(answer: Answer): string[] {
  const details = answer.body.details as { issues?: Array<{ path: string }> } | undefined;
  return (details?.issues ?? []).map((issue) => issue.path);
}
