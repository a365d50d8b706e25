// Which API key a request presents: `X-API-KEY: <key>` or `Authorization: Bearer <key>`. Pure.
// Node lowercases header names, so `x-api-key` in any case arrives here the same.
import type { IncomingHttpHeaders } from 'node:http';

export type Credentials =
  | { kind: 'key'; key: string }
  /** Neither header, or only empty ones. */
  | { kind: 'missing' }
  /**
   * `Authorization` that is not `Bearer <key>`: `no-scheme` is a single token (typically the key
   * without `Bearer `), `other-scheme` another scheme such as Basic.
   */
  | { kind: 'invalid'; reason: 'no-scheme' | 'other-scheme' }
  /** Both headers, carrying different keys. */
  | { kind: 'conflicting' };

function single(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
}

export function readCredentials(headers: IncomingHttpHeaders): Credentials {
  const apiKey = single(headers['x-api-key']);
  const authorization = single(headers.authorization);

  let bearer = '';
  if (authorization) {
    // The auth scheme is case-insensitive (RFC 9110 §11.1); `Bearer` alone is an empty credential.
    const match = /^bearer(?:\s+(.*))?$/is.exec(authorization);
    if (!match) return { kind: 'invalid', reason: /\s/.test(authorization) ? 'other-scheme' : 'no-scheme' };
    bearer = (match[1] ?? '').trim();
  }

  if (apiKey && bearer && apiKey !== bearer) return { kind: 'conflicting' };
  const key = apiKey || bearer;
  return key ? { kind: 'key', key } : { kind: 'missing' };
}
