// The content type a template image is stored with, from its asset name's extension.
const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

export function assetContentType(assetName: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(assetName)?.[1]?.toLowerCase();
  return (extension && TYPES[extension]) ?? 'application/octet-stream';
}

/** Sniffed from the first bytes, for images whose key does not say what they are. */
export function sniffedContentType(bytes: Buffer): string {
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    return 'image/webp';
  }
  return 'application/octet-stream';
}
