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
