// API key layout: <prefix><lookup id: 16><secret: 42><checksum: 6>, all base62 after the prefix.
// The secret carries 42·log2(62) ≈ 250 random bits; the checksum is CRC-32 of everything before it,
// so a mistyped or invented key is refused here, with no database or network call.
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_BODY_LENGTH = 64;
const LOOKUP_LENGTH = 16;
const SECRET_LENGTH = 42;
const CHECKSUM_LENGTH = 6;
const BODY_PATTERN = /^[0-9A-Za-z]{64}$/;
export const KEY_PREFIX_PATTERN = /^[a-z][a-z0-9]{0,11}_$/;

export interface ParsedApiKey {
  lookupId: string;
  secret: string;
}

export interface GeneratedApiKey extends ParsedApiKey {
  key: string;
  hint: string;
}

/** Uniform base62 characters by rejection sampling (no modulo bias). */
export function randomBase62(length: number, random: (size: number) => Buffer = randomBytes): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function checksum(prefix: string, payload: string): string {
  let value = crc32(prefix + payload);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function generateApiKey(
  prefix: string,
  random: (size: number) => Buffer = randomBytes,
): GeneratedApiKey {
  const lookupId = randomBase62(LOOKUP_LENGTH, random);
  const secret = randomBase62(SECRET_LENGTH, random);
  const payload = lookupId + secret;
  const key = prefix + payload + checksum(prefix, payload);
  return { key, lookupId, secret, hint: apiKeyHint(key, prefix) };
}

/** Parses a candidate key; null when it is malformed or its checksum is wrong. Pure, no I/O. */
export function parseApiKey(candidate: string, prefix: string): ParsedApiKey | null {
  if (candidate.length !== prefix.length + KEY_BODY_LENGTH || !candidate.startsWith(prefix)) return null;
  const body = candidate.slice(prefix.length);
  if (!BODY_PATTERN.test(body)) return null;
  const payload = body.slice(0, LOOKUP_LENGTH + SECRET_LENGTH);
  if (body.slice(-CHECKSUM_LENGTH) !== checksum(prefix, payload)) return null;
  return { lookupId: payload.slice(0, LOOKUP_LENGTH), secret: payload.slice(LOOKUP_LENGTH) };
}

/** What may be shown or logged about a key: the prefix and the first 8 characters after it. */
export function apiKeyHint(key: string, prefix: string): string {
  return prefix + key.slice(prefix.length, prefix.length + 8);
}

export function hashApiKeySecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
