import { decodeInlineArtwork, looksLikeImage } from './artwork-sniff.js';

const bytes = (...values: number[]) => Buffer.from(values);

describe('inline artwork check', () => {
  it.each([
    ['png', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0)],
    ['jpeg', bytes(0xff, 0xd8, 0xff, 0xe0)],
    ['gif', Buffer.from('GIF89a')],
    ['webp', Buffer.concat([Buffer.from('RIFF'), bytes(0, 0, 0, 0), Buffer.from('WEBPVP8 ')])],
    ['avif', Buffer.concat([bytes(0, 0, 0, 0x1c), Buffer.from('ftypavif')])],
    ['tiff', bytes(0x49, 0x49, 0x2a, 0x00)],
  ])('recognises %s by its magic bytes', (_format, buffer) => {
    expect(looksLikeImage(buffer)).toBe(true);
  });

  it('refuses text, an empty payload and a truncated signature', () => {
    expect(decodeInlineArtwork(Buffer.from('hello').toString('base64'))).toMatchObject({ ok: false });
    expect(decodeInlineArtwork('')).toEqual({ ok: false, message: 'is empty' });
    expect(looksLikeImage(bytes(0x89, 0x50, 0x4e))).toBe(false);
    expect(looksLikeImage(Buffer.concat([bytes(0, 0, 0, 0x1c), Buffer.from('ftypmp42')]))).toBe(false);
  });
});
