import { batchBody, colorList } from '../src/transport/batch-request';
import { InvalidInputError } from '../src/transport/platen-request';

const POSTER = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01';
const SHIRT = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e02';
const SHIRT_FRONT = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e12';

describe('batchBody', () => {
  it('builds a cross product: the chosen mockups × colours × artworks, the artworks named by ID', () => {
    expect(
      batchBody({
        mode: 'crossProduct',
        mockups: [POSTER, SHIRT],
        colors: '#1B2A4A, #ffffff',
        artworks: [
          { id: ' logo ', artwork: { url: ' https://example.com/logo.png ' }, fit: 'contain' },
          { id: '', artwork: { data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) } },
        ],
        format: 'webp',
        size: 0,
        webhookUrl: '',
        renderWebhooks: false,
        metadata: {},
      }),
    ).toEqual({
      artworks: [
        { id: 'logo', url: 'https://example.com/logo.png', fit: 'contain' },
        { id: 'artwork-2', data: 'iVBORw==' },
      ],
      mockups: [POSTER, SHIRT],
      colors: ['#1B2A4A', '#ffffff'],
      export_options: { format: 'webp' },
    });
  });

  it('leaves colours out when none are given, and sends webhook, render_webhooks and metadata when set', () => {
    expect(
      batchBody({
        mode: 'crossProduct',
        mockups: [POSTER],
        colors: '  ',
        artworks: [{ id: 'a', artwork: { url: 'https://example.com/a.png' } }],
        size: 1200,
        quality: 80,
        webhookUrl: 'https://hooks.example.com/platen',
        renderWebhooks: false,
        metadata: { order: '1042' },
      }),
    ).toEqual({
      artworks: [{ id: 'a', url: 'https://example.com/a.png' }],
      mockups: [POSTER],
      export_options: { size: 1200, quality: 80 },
      webhook_url: 'https://hooks.example.com/platen',
      render_webhooks: false,
      metadata: { order: '1042' },
    });
  });

  it('sends explicit items from JSON text (or an already parsed array) as they are', () => {
    const items = [
      {
        mockup_uuid: SHIRT,
        smart_objects: [{ uuid: SHIRT_FRONT, artwork: 'logo' }],
        color: '#222222',
        export_label: 'shirt-front',
      },
    ];
    const artworks = [{ id: 'logo', artwork: { url: 'https://example.com/logo.png' } }];
    const expected = { artworks: [{ id: 'logo', url: 'https://example.com/logo.png' }], items };
    expect(batchBody({ mode: 'items', items: JSON.stringify(items), artworks })).toEqual(expected);
    expect(batchBody({ mode: 'items', items, artworks })).toEqual(expected);
  });

  const url = { url: 'https://example.com/a.png' };
  it.each([
    ['no artwork', { mode: 'crossProduct', mockups: [POSTER], artworks: [] }, 'Add at least one artwork'],
    [
      'an artwork ID Platen would refuse',
      { mode: 'crossProduct', mockups: [POSTER], artworks: [{ id: 'my logo', artwork: url }] },
      'Artwork 1: the ID may have only',
    ],
    [
      'an artwork ID used twice (an empty one becomes artwork-<n>)',
      {
        mode: 'crossProduct',
        mockups: [POSTER],
        artworks: [
          { id: 'artwork-2', artwork: url },
          { id: '', artwork: url },
        ],
      },
      'Artwork 2: the ID "artwork-2" is used twice',
    ],
    [
      'an artwork URL that is not http(s)',
      { mode: 'crossProduct', mockups: [POSTER], artworks: [{ id: 'a', artwork: { url: 'ftp://x/a.png' } }] },
      'Artwork 1: URL must start with http',
    ],
    [
      'a cross product without a mockup',
      { mode: 'crossProduct', mockups: [''], artworks: [{ id: 'a', artwork: url }] },
      'Choose at least one mockup',
    ],
    [
      'a colour that is not #RRGGBB',
      { mode: 'crossProduct', mockups: [POSTER], colors: '#fff', artworks: [{ id: 'a', artwork: url }] },
      'Colour "#fff" is not #RRGGBB',
    ],
    [
      'items that are not JSON',
      { mode: 'items', items: '[{"mockup_uuid": ', artworks: [{ id: 'a', artwork: url }] },
      'Items must be a JSON array',
    ],
    [
      'an empty item list',
      { mode: 'items', items: '[]', artworks: [{ id: 'a', artwork: url }] },
      'at least one item',
    ],
    [
      'an item that is not an object',
      { mode: 'items', items: '[{"mockup_uuid": "m"}, "m2"]', artworks: [{ id: 'a', artwork: url }] },
      'Item 2 must be a JSON object',
    ],
  ] as Array<[string, Parameters<typeof batchBody>[0], string]>)(
    'refuses %s before sending anything',
    (_name, input, message) => {
      expect(() => batchBody(input)).toThrow(InvalidInputError);
      expect(() => batchBody(input)).toThrow(message);
    },
  );
});

describe('colorList', () => {
  it('splits on commas, semicolons, spaces and new lines', () => {
    expect(colorList('#1B2A4A,#FFFFFF;\n #000000')).toEqual(['#1B2A4A', '#FFFFFF', '#000000']);
    expect(colorList(undefined)).toEqual([]);
  });
});
