// Standard Webhooks signing: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the
// base64-decoded part of a `whsec_` secret. Pure; one entry per secret, space-separated (rotation overlap).
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
/** 192 bits: inside the 24-64 byte range the Standard Webhooks spec recommends. */
const SECRET_BYTES = 24;

export interface SignedMessage {
  /** The `webhook-id`: the same on every retry of one event. */
  id: string;
  /** Unix seconds, sent as `webhook-timestamp`; receivers refuse values more than 5 min away from their clock. */
  timestamp: number;
  /** The exact bytes sent as the request body. */
  body: string;
}

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The HMAC key of a `whsec_<base64>` secret (a bare base64 secret is accepted too, like the verifiers do). */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('a webhook secret must carry a non-empty base64 key');
  return key;
}

/** The `webhook-signature` header value: one `v1,<sig>` per secret, in the order given. */
export function signWebhook(message: SignedMessage, secrets: readonly string[]): string {
  if (secrets.length === 0) throw new Error('at least one webhook secret is required');
  const content = `${message.id}.${message.timestamp}.${message.body}`;
  return secrets
    .map((secret) => `v1,${createHmac('sha256', webhookSecretKey(secret)).update(content).digest('base64')}`)
    .join(' ');
}

/** The three Standard Webhooks headers plus the content type of the JSON body. */
export function webhookHeaders(message: SignedMessage, secrets: readonly string[]): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestamp),
    'webhook-signature': signWebhook(message, secrets),
  };
}
