import {
  PRINT_FILE_DPI,
  createRenderRequestSchema,
  printAreaAt,
  printFileSize,
  renderSchema,
} from './index.js';

describe('print file sizes', () => {
  it('are the print area at the dpi, rounded to whole pixels', () => {
    expect(printFileSize({ width_mm: 304.8, height_mm: 381 }, 300)).toEqual({ width: 3600, height: 4500 });
    expect(printFileSize({ width_mm: 300, height_mm: 400 }, 300)).toEqual({ width: 3543, height: 4724 });
    expect(printFileSize({ width_mm: 0.01, height_mm: 0.01 }, 72)).toEqual({ width: 1, height: 1 });
  });

  it('give back the pixels a print area was measured from, at the same dpi', () => {
    for (const [pixels, dpi] of [
      [{ width: 3001, height: 1999 }, 300],
      [{ width: 60, height: 30 }, 72],
      [{ width: 1536, height: 2048 }, 264],
    ] as const) {
      expect(printFileSize(printAreaAt(pixels, dpi), dpi)).toEqual(pixels);
    }
  });
});

describe('print_files on a render request', () => {
  const base = {
    mockup_uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01',
    smart_objects: [
      { uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11', asset: { url: 'https://a.example/x.png' } },
    ],
  };
  const so = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11';

  it('default to 300 dpi', () => {
    const parsed = createRenderRequestSchema.parse({ ...base, print_files: [{ smart_object_uuid: so }] });
    expect(parsed.print_files).toEqual([{ smart_object_uuid: so, dpi: PRINT_FILE_DPI.default }]);
  });

  it('refuse a smart object named twice, naming print_files', () => {
    const parsed = createRenderRequestSchema.safeParse({
      ...base,
      print_files: [{ smart_object_uuid: so }, { smart_object_uuid: so, dpi: 72 }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['print_files']);
  });

  it('refuse a dpi outside 72–1200', () => {
    for (const dpi of [71, 1201, 150.5]) {
      const parsed = createRenderRequestSchema.safeParse({
        ...base,
        print_files: [{ smart_object_uuid: so, dpi }],
      });
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['print_files.0.dpi']);
    }
  });
});

it('a succeeded render lists its print files (an empty list when it asked for none)', () => {
  const result = { url: 'u', width: 1, height: 1, format: 'png', bytes: 1, warnings: [] };
  const shape = renderSchema.shape.result.unwrap();
  expect(shape.safeParse({ ...result, print_files: [] }).success).toBe(true);
  expect(shape.safeParse(result).success).toBe(false);
});
