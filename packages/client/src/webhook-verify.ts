// Verifies a Platen webhook delivery the Standard Webhooks way with WebCrypto only (Node 20+ and
// browsers): HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the base64
// part of the `whsec_` secret. The signature header may carry several `v1,<base64>` entries (after a
// secret rotation it carries one per secret): one match is enough. HMAC comparison is left to
// subtle.verify, which compares in constant time.
import { WebhookVerificationError } from './errors.js';

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, in seconds (default 300, the Standard Webhooks default). */
  toleranceSeconds?: number;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : value;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}

/**
 * Checks the delivery and returns its parsed body (`{type, timestamp, data}`); throws
 * WebhookVerificationError when it does not check out. `body` must be the raw body as received: JSON
 * parsed and serialized again would not match. `secret` may be a list (e.g. a receiver that holds
 * the old and the new secret while it switches).
 */
export async function verifyWebhook<T = unknown>(
  headers: WebhookHeaders,
  body: string | Uint8Array,
  secret: string | readonly string[],
  { toleranceSeconds = 300, now = Date.now }: VerifyWebhookOptions = {},
): Promise<T> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook headers');
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('Invalid webhook-timestamp');
  if (Math.abs(now() / 1000 - Number(timestamp)) > toleranceSeconds) {
    throw new WebhookVerificationError('Message timestamp too old or too new');
  }

  const encoder = new TextEncoder();
  const bodyBytes = typeof body === 'string' ? encoder.encode(body) : body;
  const signed = concat(encoder.encode(`${id}.${timestamp}.`), bodyBytes);
  const given = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version]) => version === 'v1')
    .map(([, signature]) => base64Bytes(signature ?? ''))
    .filter((bytes): bytes is Uint8Array<ArrayBuffer> => bytes !== undefined);

  for (const one of typeof secret === 'string' ? [secret] : secret) {
    const keyBytes = base64Bytes(one.replace(/^whsec_/, ''));
    if (!keyBytes || keyBytes.length === 0) throw new WebhookVerificationError('Invalid webhook secret');
    const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    for (const signature of given) {
      if (await crypto.subtle.verify('HMAC', key, signature, signed)) {
        return JSON.parse(new TextDecoder().decode(bodyBytes)) as T;
      }
    }
  }
  throw new WebhookVerificationError('No matching signature found');
}
