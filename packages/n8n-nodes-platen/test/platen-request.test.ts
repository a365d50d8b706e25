import {
  idempotencyKeyFor,
  InvalidInputError,
  mockupUpload,
  renderBody,
  retryAfterMs,
} from '../src/transport/platen-request';

const MOCKUP = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01';
const POSTER = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11';

describe('renderBody', () => {
  it('builds the body of POST /api/v1/renders from the node fields, leaving empty options to Platen', () => {
    expect(
      renderBody({
        mockupUuid: MOCKUP,
        smartObjects: [{ uuid: POSTER, artwork: { url: ' https://example.com/art.png ' }, fit: 'contain' }],
        format: 'webp',
        size: 0,
        quality: undefined,
        webhookUrl: '',
        metadata: {},
      }),
    ).toEqual({
      mockup_uuid: MOCKUP,
      smart_objects: [{ uuid: POSTER, asset: { url: 'https://example.com/art.png', fit: 'contain' } }],
      export_options: { format: 'webp' },
    });
  });

  it('sends binary artwork as base64 data, with the product colour and metadata', () => {
    const body = renderBody({
      mockupUuid: MOCKUP,
      smartObjects: [
        { uuid: POSTER, artwork: { data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }, color: '#1B2A4A' },
      ],
      size: 1200,
      quality: 80,
      webhookUrl: 'https://hooks.example.com/platen',
      metadata: { order: '1042' },
    });
    expect(body).toEqual({
      mockup_uuid: MOCKUP,
      smart_objects: [{ uuid: POSTER, asset: { data: 'iVBORw==' }, color: '#1B2A4A' }],
      export_options: { size: 1200, quality: 80 },
      webhook_url: 'https://hooks.example.com/platen',
      metadata: { order: '1042' },
    });
  });

  it.each([
    [
      'no mockup',
      { mockupUuid: '', smartObjects: [{ uuid: POSTER, artwork: { url: 'https://e.com/a.png' } }] },
      'Choose a mockup',
    ],
    ['no smart object', { mockupUuid: MOCKUP, smartObjects: [] }, 'Add at least one smart object'],
    [
      'a smart object left unchosen',
      { mockupUuid: MOCKUP, smartObjects: [{ uuid: '', artwork: { url: 'https://e.com/a.png' } }] },
      'Smart object 1: choose',
    ],
    [
      'an artwork URL that is not http(s)',
      { mockupUuid: MOCKUP, smartObjects: [{ uuid: POSTER, artwork: { url: 'file:///etc/passwd' } }] },
      'must start with http',
    ],
  ])('refuses %s before sending anything', (_name, input, message) => {
    expect(() => renderBody(input)).toThrow(InvalidInputError);
    expect(() => renderBody(input)).toThrow(message);
  });
});

describe('idempotencyKeyFor', () => {
  it("keeps the user's key (e.g. an order line id) so a re-run returns the same render", () => {
    expect(idempotencyKeyFor(' order-1042-line-1 ')).toBe('order-1042-line-1');
  });

  it('makes a fresh key per item when none is given', () => {
    let n = 0;
    const next = () => `id-${++n}`;
    expect([idempotencyKeyFor('', next), idempotencyKeyFor(undefined, next)]).toEqual([
      'n8n-id-1',
      'n8n-id-2',
    ]);
    expect(idempotencyKeyFor('')).not.toBe(idempotencyKeyFor(''));
  });

  it.each([
    ['with a space', 'a b'],
    ['too long', 'k'.repeat(256)],
    ['non-ASCII', 'bestellung-ä'],
  ])('refuses a key %s (Platen would answer 400)', (_name, key) => {
    expect(() => idempotencyKeyFor(key)).toThrow(InvalidInputError);
  });
});

describe('mockupUpload', () => {
  it('puts the PSD bytes in the multipart field "file" and the name in "name"', () => {
    const file = Buffer.from([0x38, 0x42, 0x50, 0x53, 0x00, 0xff]);
    const { data, contentType } = mockupUpload({
      file,
      fileName: 'shirt "front".psd',
      name: 'My shirt',
      boundary: 'XYZ',
    });
    expect(contentType).toBe('multipart/form-data; boundary=XYZ');
    const expected = Buffer.concat([
      Buffer.from(
        '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="shirt _front_.psd"\r\n' +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      file,
      Buffer.from('\r\n--XYZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nMy shirt\r\n--XYZ--\r\n'),
    ]);
    expect(data.equals(expected)).toBe(true);
  });

  it('leaves the name out when none is given (Platen uses the file name)', () => {
    const { data } = mockupUpload({ file: Buffer.from('8BPS'), fileName: 'a.psd', boundary: 'B' });
    expect(data.toString('latin1')).not.toContain('name="name"');
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  it.each([
    ['seconds', '23', 23_000],
    ['an HTTP date', 'Mon, 07 Dec 2026 12:00:05 GMT', 5_000],
    ['a date in the past', 'Mon, 07 Dec 2026 11:00:00 GMT', 0],
    ['nothing', undefined, 1_000],
    ['garbage', 'soon', 1_000],
  ])('reads %s', (_name, value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected);
  });
});
