import { requestHash } from './request-hash.js';

describe('the Idempotency-Key request fingerprint', () => {
  it('is the same for the same body with keys in another order', () => {
    expect(requestHash('/api/v1/renders', { a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(
      requestHash('/api/v1/renders', { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
  });

  it('differs for another value, another array order or another path', () => {
    const base = requestHash('/api/v1/renders', { a: [1, 2] });
    expect(requestHash('/api/v1/renders', { a: [2, 1] })).not.toBe(base);
    expect(requestHash('/api/v1/renders', { a: [1, 3] })).not.toBe(base);
    expect(requestHash('/api/v1/mockups/generate', { a: [1, 2] })).not.toBe(base);
  });
});
