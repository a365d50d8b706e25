// Standard Webhooks verification of one Platen delivery: HMAC-SHA256 over "{id}.{timestamp}.{raw body}"
// keyed with the secret's base64 part, any of the space-separated `v1,` signatures may match (a secret
// rotation sends two), and the timestamp must be within 5 minutes of our clock (older ones are replays).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_TOLERANCE_SECONDS = 300;

export type HeaderBag = Record<string, string | string[] | undefined>;

export type Verdict = { ok: true; webhookId: string } | { ok: false; reason: string };

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** `headers` with lower-case names, as Node's http module gives them; `rawBody` exactly as received. */
export function verifyDelivery(input: {
  secret: string;
  headers: HeaderBag;
  rawBody: Buffer;
  nowSeconds: number;
}): Verdict {
  const id = header(input.headers, 'webhook-id');
  const timestamp = header(input.headers, 'webhook-timestamp');
  const signatures = header(input.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed webhook-timestamp' };
  if (Math.abs(input.nowSeconds - Number(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'webhook-timestamp is more than 5 minutes from now' };
  }
  const expected = createHmac('sha256', secretKey(input.secret))
    .update(`${id}.${timestamp}.`)
    .update(input.rawBody)
    .digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, webhookId: id } : { ok: false, reason: 'no signature matches' };
}
