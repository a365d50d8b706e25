import { toPublicMockup, type MockupRow } from './public-mockup.js';

const smartObject = {
  uuid: '7b1d3f8e-52c7-4a1f-9e4b-7d0c2f3a4b11',
  name: 'Front',
  layer_name: 'Front',
  size: { width: 720, height: 360 },
  position: { x: 0, y: 0, width: 720, height: 360 },
  quad: null,
  blend_mode: 'normal',
  required: true,
  color: null,
  placements: [{ layer_name: 'Front', position: { x: 0, y: 0, width: 720, height: 360 }, quad: null }],
};
const row = (smartObjects: unknown[]): MockupRow => ({
  id: '7b1d3f8e-52c7-4a1f-9e4b-7d0c2f3a4b01',
  account_id: 'acct',
  slug: 'front',
  name: 'Front',
  width: 720,
  height: 360,
  status: 'ready',
  smart_objects: smartObjects,
  error: null,
  error_code: null,
  warnings: [],
  created_at: new Date('2026-01-01T00:00:00Z'),
});

describe('a mockup’s smart objects in the public shape', () => {
  it('show the physical print area they were described with', () => {
    const described = { ...smartObject, print_area: { width_mm: 61, height_mm: 30.5 } };
    const [shown] = toPublicMockup(row([described]), null).smart_objects;
    expect(shown!.print_area).toEqual({ width_mm: 61, height_mm: 30.5 });
  });

  it('described before print files, show their pixels read at 72 dpi (as the compositor prints them)', () => {
    const [shown] = toPublicMockup(row([smartObject]), null).smart_objects;
    // 720 × 360 px at 72 dpi: 10 × 5 in.
    expect(shown!.print_area).toEqual({ width_mm: 254, height_mm: 127 });
  });
});
