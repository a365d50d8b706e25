// The 26-byte file header of a PSD (version 1) or PSB (version 2): enough to refuse a file that is
// not one, or whose declared canvas is a decompression bomb, before anything is decoded.
import { PsdImportError } from './psd-import-error.js';

export const PSD_HEADER_BYTES = 26;

export interface PsdHeader {
  width: number;
  height: number;
  /** Bits per channel: 1, 8, 16 or 32. */
  depth: number;
  channels: number;
  /** 3 is RGB, 1 greyscale, 4 CMYK (Photoshop's colour mode numbers). */
  colorMode: number;
  psb: boolean;
}

export function readPsdHeader(bytes: Buffer): PsdHeader {
  if (bytes.length < PSD_HEADER_BYTES || bytes.toString('latin1', 0, 4) !== '8BPS') {
    throw new PsdImportError('PSD_CORRUPT', 'The file is not a Photoshop document (PSD or PSB).');
  }
  const version = bytes.readUInt16BE(4);
  if (version !== 1 && version !== 2) {
    throw new PsdImportError('PSD_CORRUPT', `The file declares Photoshop format version ${version}.`);
  }
  const header: PsdHeader = {
    channels: bytes.readUInt16BE(12),
    height: bytes.readUInt32BE(14),
    width: bytes.readUInt32BE(18),
    depth: bytes.readUInt16BE(22),
    colorMode: bytes.readUInt16BE(24),
    psb: version === 2,
  };
  if (header.width === 0 || header.height === 0) {
    throw new PsdImportError('PSD_CORRUPT', 'The file declares an empty canvas.');
  }
  return header;
}
