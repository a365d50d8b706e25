// A content hash of everything that makes a template's pixels: the manifest (key order ignored, as
// jsonb does), every asset's bytes and the thumbnail. Equal hashes mean nothing needs re-installing.
import { createHash } from 'node:crypto';

export interface FingerprintInput {
  slug: string;
  name: string;
  manifest: unknown;
  assets: ReadonlyMap<string, Buffer>;
  thumbnail: Buffer;
}

export function templateFingerprint(input: FingerprintInput): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson({ slug: input.slug, name: input.name, manifest: input.manifest }));
  for (const name of [...input.assets.keys()].sort()) {
    hash.update(`\nasset:${name}:`);
    hash.update(input.assets.get(name)!);
  }
  hash.update('\nthumbnail:');
  hash.update(input.thumbnail);
  return hash.digest('hex');
}

/** JSON with object keys sorted, so two equal values always serialise to the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
