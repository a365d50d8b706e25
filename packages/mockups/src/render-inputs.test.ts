import { createRenderRequestSchema } from '@platen/contracts';
import { storedRenderInputsSchema, toStoredRenderInput } from './render-inputs.js';

const SO = '3f0c2e7d-41b6-4f0e-8d3a-6c9b1e2f3a11';

describe('stored render inputs', () => {
  it('keeps a url artwork as it is and drops inline base64 (parked in storage instead)', () => {
    const request = createRenderRequestSchema.parse({
      mockup_uuid: '3f0c2e7d-41b6-4f0e-8d3a-6c9b1e2f3a01',
      smart_objects: [
        { uuid: SO, asset: { url: 'https://img.example/a.png', fit: 'contain', rotate: 90 } },
        { uuid: SO, asset: { data: 'iVBORw0KGgo=' }, color: '#112233' },
      ],
    });

    const stored = request.smart_objects.map(toStoredRenderInput);

    expect(stored).toEqual([
      { uuid: SO, asset: { url: 'https://img.example/a.png', fit: 'contain', rotate: 90 } },
      { uuid: SO, asset: { url: null, fit: 'cover', rotate: 0 }, color: '#112233' },
    ]);
    expect(JSON.stringify(stored)).not.toContain('iVBOR');
    expect(storedRenderInputsSchema.parse(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
  });

  it('refuses a row without inputs or with a malformed smart object uuid', () => {
    expect(storedRenderInputsSchema.safeParse([]).success).toBe(false);
    expect(storedRenderInputsSchema.safeParse([{ uuid: 'nope', asset: { url: null } }]).success).toBe(false);
  });
});

describe('stored placement', () => {
  const parse = (item: Record<string, unknown>) =>
    createRenderRequestSchema
      .parse({
        mockup_uuid: '3f0c2e7d-41b6-4f0e-8d3a-6c9b1e2f3a01',
        smart_objects: [{ uuid: SO, ...item }],
      })
      .smart_objects.map(toStoredRenderInput)[0];

  it('stores a Dynamic Mockups body in Platen’s terms: stretch is fill, an enabled pattern is a tile', () => {
    const stored = parse({
      asset: {
        url: 'https://img.example/a.png',
        fit: 'stretch',
        size: { width: 100, height: 80 },
        position: { top: -10, left: 20 },
      },
      pattern: { enabled: true, scale_percent: 60 },
      adjustment_layers: {
        brightness: 100,
        contrast: 50,
        opacity: 100,
        saturation: 0,
        vibrance: -20,
        blur: 20,
      },
    });
    expect(stored).toEqual({
      uuid: SO,
      asset: {
        url: 'https://img.example/a.png',
        fit: 'tile',
        tile_scale: 60,
        size: { width: 100, height: 80 },
        position: { top: -10, left: 20 },
        rotate: 0,
      },
      adjustment_layers: {
        brightness: 100,
        contrast: 50,
        opacity: 100,
        saturation: 0,
        vibrance: -20,
        blur: 20,
      },
    });
    expect(storedRenderInputsSchema.parse([stored])).toEqual([stored]);
  });

  it('draws a sized artwork at exactly that size unless a fit is given, and keeps fit stretch as fill', () => {
    const url = 'https://img.example/a.png';
    expect(parse({ asset: { url, size: { width: 10, height: 10 } } })?.asset.fit).toBe('fill');
    expect(parse({ asset: { url, size: { width: 10, height: 10 }, fit: 'cover' } })?.asset.fit).toBe('cover');
    expect(parse({ asset: { url, fit: 'stretch' } })?.asset.fit).toBe('fill');
    expect(parse({ asset: { url } })?.asset.fit).toBe('cover');
  });

  it('keeps tile_scale and the background colour, and drops a tile_scale that no tile uses', () => {
    const url = 'https://img.example/a.png';
    expect(parse({ asset: { url, fit: 'tile', tile_scale: 25, background: '#FFAA00' } })?.asset).toEqual({
      url,
      fit: 'tile',
      tile_scale: 25,
      background: '#FFAA00',
      rotate: 0,
    });
    expect(parse({ asset: { url, fit: 'contain', tile_scale: 25 } })?.asset).toEqual({
      url,
      fit: 'contain',
      rotate: 0,
    });
  });

  it('still reads rows stored before placement existed', () => {
    expect(
      storedRenderInputsSchema.parse([{ uuid: SO, asset: { url: null, fit: 'fill', rotate: 5 } }]),
    ).toEqual([{ uuid: SO, asset: { url: null, fit: 'fill', rotate: 5 } }]);
  });
});
