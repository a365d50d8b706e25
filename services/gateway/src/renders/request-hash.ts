// The fingerprint an Idempotency-Key is bound to: SHA-256 of the path and the canonical JSON of the
// body (object keys sorted), so key order and whitespace never make "the same body" differ.
import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function requestHash(path: string, body: unknown): string {
  return createHash('sha256')
    .update(path)
    .update('\n')
    .update(JSON.stringify(canonical(body)) ?? '')
    .digest('hex');
}
