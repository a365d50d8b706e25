// Pure builders for the requests the nodes send: render bodies, multipart PSD uploads, list queries,
// Idempotency-Keys and the Retry-After wait. No n8n and no I/O here, so each is unit-tested as is.
import { randomUUID } from 'node:crypto';

export interface PlatenRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** A path under the credential's base URL (sent with the API key)... */
  path?: string;
  /** ...or an absolute URL such as a signed result URL (sent without it). */
  url?: string;
  qs?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** A body sent as these bytes with this content type (the multipart upload). */
  raw?: { data: Buffer; contentType: string };
  /** The answer is bytes (an image), not JSON. */
  binary?: boolean;
}

export type ArtworkSource = { url: string } | { data: Buffer };

export interface SmartObjectInput {
  uuid: string;
  artwork: ArtworkSource;
  fit?: string;
  color?: string;
}

export interface RenderInput {
  mockupUuid: string;
  smartObjects: SmartObjectInput[];
  format?: string;
  size?: number;
  quality?: number;
  webhookUrl?: string;
  metadata?: Record<string, unknown>;
}

export class InvalidInputError extends Error {}

/** The body of POST /api/v1/renders; empty optional fields are left out so Platen's defaults apply. */
export function renderBody(input: RenderInput): Record<string, unknown> {
  if (!input.mockupUuid) throw new InvalidInputError('Choose a mockup');
  if (input.smartObjects.length === 0) {
    throw new InvalidInputError('Add at least one smart object with its artwork');
  }
  const exportOptions = Object.fromEntries(
    Object.entries({ format: input.format, size: input.size, quality: input.quality }).filter(
      ([, value]) => value !== undefined && value !== '' && value !== 0,
    ),
  );
  return {
    mockup_uuid: input.mockupUuid,
    smart_objects: input.smartObjects.map((smartObject, index) => {
      if (!smartObject.uuid) throw new InvalidInputError(`Smart object ${index + 1}: choose a smart object`);
      const asset: Record<string, unknown> =
        'url' in smartObject.artwork
          ? { url: requireUrl(smartObject.artwork.url, `Smart object ${index + 1}: artwork URL`) }
          : { data: smartObject.artwork.data.toString('base64') };
      if (smartObject.fit) asset.fit = smartObject.fit;
      return {
        uuid: smartObject.uuid,
        asset,
        ...(smartObject.color ? { color: smartObject.color } : {}),
      };
    }),
    ...(Object.keys(exportOptions).length > 0 ? { export_options: exportOptions } : {}),
    ...(input.webhookUrl ? { webhook_url: input.webhookUrl } : {}),
    ...(input.metadata && Object.keys(input.metadata).length > 0 ? { metadata: input.metadata } : {}),
  };
}

export function requireUrl(value: string, what: string): string {
  if (!/^https?:\/\//i.test(value.trim()))
    throw new InvalidInputError(`${what} must start with http:// or https://`);
  return value.trim();
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The Idempotency-Key of one item's render: the user's own (e.g. an order line id, so a re-run makes
 * no second render) or a fresh one per item, sent again unchanged on every retry of that item.
 */
export function idempotencyKeyFor(given: string | undefined, newId: () => string = randomUUID): string {
  const key = (given ?? '').trim();
  if (key === '') return `n8n-${newId()}`;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new InvalidInputError('The Idempotency Key must be 1–255 visible ASCII characters (no spaces)');
  }
  return key;
}

/** multipart/form-data for POST /api/v1/mockups: the PSD in `file`, an optional `name`. */
export function mockupUpload(input: { file: Buffer; fileName: string; name?: string; boundary?: string }): {
  data: Buffer;
  contentType: string;
} {
  const boundary = input.boundary ?? `----platen-n8n-${randomUUID()}`;
  const quoted = (value: string) => value.replace(/["\r\n\\]/g, '_');
  const parts: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(input.fileName)}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    input.file,
    Buffer.from('\r\n'),
  ];
  if (input.name) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${input.name}\r\n`),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { data: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** How long to wait before sending a request refused with 429 again. */
export function retryAfterMs(value: string | undefined, nowMs: number): number {
  const DEFAULT_MS = 1_000;
  if (!value) return DEFAULT_MS;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_MS : Math.max(0, date - nowMs);
}
