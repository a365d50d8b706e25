import { ApiError } from '@platen/contracts';
import { compareMockups, decodeMockupCursor, encodeMockupCursor } from './mockup-order.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('mockup order', () => {
  it('orders by name as UTF-8 bytes (Postgres collate "C"), then by uuid', () => {
    const names = ['b', 'B', 'a', 'Ä', 'T-shirt', 'Tablet', '😀', '\uffff'];
    const sorted = [...names].sort((x, y) => compareMockups({ name: x, uuid: A }, { name: y, uuid: A }));
    expect(sorted).toEqual(['B', 'T-shirt', 'Tablet', 'a', 'b', 'Ä', '\uffff', '😀']);
    expect(compareMockups({ name: 'x', uuid: A }, { name: 'x', uuid: B })).toBeLessThan(0);
  });

  it('reads back the cursors it writes', () => {
    expect(decodeMockupCursor(encodeMockupCursor({ name: 'Poster', uuid: A }))).toEqual({
      name: 'Poster',
      uuid: A,
    });
  });

  it('refuses a cursor it did not write as a validation error on cursor', () => {
    for (const bad of ['bogus', Buffer.from('{"name":1}').toString('base64url')]) {
      let caught: unknown;
      try {
        decodeMockupCursor(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ApiError);
      expect((caught as ApiError).code).toBe('VALIDATION_ERROR');
    }
  });
});
