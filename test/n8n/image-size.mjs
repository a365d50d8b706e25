// Format and pixel size of a PNG or JPEG from its bytes, enough to tell that a real image arrived.
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

export function imageSize(bytes) {
  if (bytes.length >= 24 && PNG_MAGIC.every((byte, i) => bytes[i] === byte)) {
    if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR');
    return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < bytes.length) {
      if (bytes[offset] !== 0xff) throw new Error(`JPEG marker expected at ${offset}`);
      const marker = bytes[offset + 1];
      if (marker === 0xff) {
        offset += 1;
        continue;
      }
      if (SOF.has(marker)) {
        return {
          format: 'jpeg',
          width: bytes.readUInt16BE(offset + 7),
          height: bytes.readUInt16BE(offset + 5),
        };
      }
      offset += 2 + bytes.readUInt16BE(offset + 2);
    }
    throw new Error('JPEG without a start-of-frame marker');
  }
  throw new Error(`not a PNG or JPEG (starts with ${bytes.subarray(0, 8).toString('hex')})`);
}
