import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { AssetNotAnImageError, AssetTooLargeError, RenderFailedError } from './compositor-errors.js';
import type { Compositor } from './compositor.js';
import { createCompositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import type { SmartObjectInput, TemplateManifestInput } from './template-model.js';

const SO = '00000000-0000-4000-8000-000000000001';

async function solid(width: number, height: number, color: string, channels: 3 | 4 = 3): Promise<Buffer> {
  return sharp({ create: { width, height, channels, background: color } })
    .png()
    .toBuffer();
}

/** Vertical stripes of the given colours, equally wide. */
async function stripes(width: number, height: number, colors: string[]): Promise<Buffer> {
  const w = width / colors.length;
  const rects = colors
    .map((c, i) => `<rect x="${i * w}" y="0" width="${w}" height="${height}" fill="${c}"/>`)
    .join('');
  return sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${rects}</svg>`),
  )
    .png()
    .toBuffer();
}

async function rawOf(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function rgbAt(img: { data: Buffer; width: number }, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

function near(actual: number[], expected: number[], tolerance = 6): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);
}

const GREY = [128, 128, 128];
const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLUE = [0, 0, 255];
const YELLOW = [255, 255, 0];

function manifest(
  extra: Partial<Extract<TemplateManifestInput['layers'][number], { type: 'smart_object' }>> = {},
): TemplateManifestInput {
  return {
    width: 40,
    height: 30,
    layers: [
      { type: 'image', name: 'base', asset: 'base.png' },
      {
        type: 'smart_object',
        uuid: SO,
        name: 'Art',
        layer_name: 'Art',
        size: { width: 20, height: 20 },
        position: { x: 10, y: 5, width: 20, height: 20 },
        quad: null,
        ...extra,
      },
    ],
  };
}

describe('compositor', () => {
  let compositor: Compositor;
  let assets: Map<string, Buffer>;
  let version = 0;
  const pool = createKernelPool({ threads: 0 });

  beforeAll(async () => {
    compositor = createCompositor({ pool, cacheBytes: 50_000_000 });
    assets = new Map([
      ['base.png', await solid(40, 30, '#808080')],
      [
        'left-half.png',
        await sharp(await stripes(40, 30, ['#ffffff', '#000000']))
          .png()
          .toBuffer(),
      ],
      ['white.png', await solid(40, 30, '#ffffff')],
    ]);
  });

  async function render(
    input: Partial<SmartObjectInput> & { asset: Buffer },
    extra = {},
    format: 'png' | 'jpeg' = 'png',
  ) {
    const prepared = await compositor.prepare(
      { id: 'test', version: ++version, manifest: manifest(extra) },
      assets,
    );
    const out = await compositor.render(prepared, [{ uuid: SO, fit: 'fill', rotate: 0, ...input }], {
      format,
    });
    return rawOf(out.data);
  }

  describe('fit', () => {
    const art = () => stripes(40, 20, ['#ff0000', '#00ff00', '#0000ff', '#ffff00']);

    it('fill stretches the whole artwork over the smart object', async () => {
      const out = await render({ asset: await art(), fit: 'fill' });
      expect(near(rgbAt(out, 12, 15), RED)).toBe(true);
      expect(near(rgbAt(out, 17, 15), GREEN)).toBe(true);
      expect(near(rgbAt(out, 22, 15), BLUE)).toBe(true);
      expect(near(rgbAt(out, 27, 15), YELLOW)).toBe(true);
      expect(near(rgbAt(out, 5, 15), GREY)).toBe(true);
    });

    it('cover fills the smart object and crops the overflow around the centre', async () => {
      const out = await render({ asset: await art(), fit: 'cover' });
      expect(near(rgbAt(out, 13, 15), GREEN)).toBe(true);
      expect(near(rgbAt(out, 27, 15), BLUE)).toBe(true);
      expect(near(rgbAt(out, 15, 6), GREEN)).toBe(true);
    });

    it('contain shows the whole artwork letterboxed, the template showing through', async () => {
      const out = await render({ asset: await art(), fit: 'contain' });
      expect(near(rgbAt(out, 12, 15), RED)).toBe(true);
      expect(near(rgbAt(out, 27, 15), YELLOW)).toBe(true);
      expect(near(rgbAt(out, 20, 7), GREY)).toBe(true);
      expect(near(rgbAt(out, 20, 23), GREY)).toBe(true);
    });
  });

  it('rotates the artwork clockwise before fitting it', async () => {
    const topRedBottomBlue = await sharp(await stripes(20, 20, ['#ff0000', '#0000ff']))
      .rotate(90)
      .png()
      .toBuffer();
    const upright = await render({ asset: topRedBottomBlue });
    expect(near(rgbAt(upright, 20, 8), RED)).toBe(true);
    const turned = await render({ asset: topRedBottomBlue, rotate: 90 });
    expect(near(rgbAt(turned, 13, 15), BLUE)).toBe(true);
    expect(near(rgbAt(turned, 27, 15), RED)).toBe(true);
  });

  it('clips the artwork to the smart object mask', async () => {
    const out = await render({ asset: await solid(20, 20, '#ff0000') }, { mask: { asset: 'left-half.png' } });
    expect(near(rgbAt(out, 15, 15), RED)).toBe(true);
    expect(near(rgbAt(out, 25, 15), GREY)).toBe(true);
  });

  it('places the artwork in the named print area only', async () => {
    const out = await render(
      { asset: await solid(8, 8, '#0000ff'), print_area: 'corner' },
      { print_areas: [{ name: 'corner', x: 0, y: 0, width: 10, height: 10 }] },
    );
    expect(near(rgbAt(out, 12, 7), BLUE)).toBe(true);
    expect(near(rgbAt(out, 25, 20), GREY)).toBe(true);
  });

  it('blends the artwork with its blend mode (multiply darkens the template)', async () => {
    const out = await render({ asset: await solid(20, 20, '#808080') }, { blend_mode: 'multiply' });
    expect(near(rgbAt(out, 20, 15), [64, 64, 64], 2)).toBe(true);
  });

  it('multiplies the requested product colour onto the product, and refuses colours not offered', async () => {
    const color = { default: '#ffffff', allowed: ['#ffffff', '#ff0000'], mask: { asset: 'left-half.png' } };
    const transparent = await solid(20, 20, '#00000000', 4);
    const out = await render({ asset: transparent, color: '#ff0000' }, { color });
    expect(near(rgbAt(out, 5, 15), [128, 0, 0])).toBe(true);
    expect(near(rgbAt(out, 35, 15), GREY)).toBe(true);
    await expect(render({ asset: transparent, color: '#00ff00' }, { color })).rejects.toBeInstanceOf(
      RenderFailedError,
    );
  });

  it('re-applies shading over the artwork only', async () => {
    assets.set('dark.png', await solid(40, 30, '#808080'));
    const out = await render(
      { asset: await solid(20, 20, '#ffffff') },
      { shading: { asset: 'dark.png', blend_mode: 'multiply' } },
    );
    expect(near(rgbAt(out, 20, 15), GREY, 2)).toBe(true);
    expect(near(rgbAt(out, 5, 15), GREY, 2)).toBe(true);
  });

  it("resamples a mesh as Photoshop does only when it says warp_resampling 'photoshop'", async () => {
    // The left third of the artwork squeezed into 4 px, the rest stretched over 16: the two
    // resamplings (Mitchell at 1.5× + 2 × 2 supersample, or lanczos + one bilinear tap) differ there.
    const mesh = {
      cols: 2,
      rows: 1,
      points: [
        [10, 5],
        [14, 5],
        [30, 5],
        [10, 25],
        [14, 25],
        [30, 25],
      ] as [number, number][],
    };
    const fine = await stripes(
      60,
      20,
      Array.from({ length: 20 }, (_, i) => (i % 2 ? '#000000' : '#ffffff')),
    );
    const absent = await render({ asset: fine }, { mesh });
    const fast = await render({ asset: fine }, { mesh, warp_resampling: 'fast' });
    const photoshop = await render({ asset: fine }, { mesh, warp_resampling: 'photoshop' });
    expect(fast.data.equals(absent.data)).toBe(true);
    let most = 0;
    for (let y = 8; y < 22; y++) {
      for (let x = 11; x < 14; x++) {
        const [a, b] = [rgbAt(fast, x, y), rgbAt(photoshop, x, y)];
        most = Math.max(most, ...a.map((v, c) => Math.abs(v - b[c]!)));
      }
    }
    expect(most).toBeGreaterThan(8);
    // Outside the smart object both leave the template as it is.
    expect(rgbAt(photoshop, 5, 15)).toEqual(rgbAt(fast, 5, 15));
  });

  it.each(['png', 'jpeg', 'webp', 'avif'] as const)(
    'encodes %s that decodes at the requested longest side',
    async (format) => {
      const prepared = await compositor.prepare({ id: 'formats', version: 1, manifest: manifest() }, assets);
      const out = await compositor.render(
        prepared,
        [{ uuid: SO, asset: await solid(20, 20, '#ff0000'), fit: 'fill', rotate: 0 }],
        {
          format,
          size: 80,
          quality: 70,
        },
      );
      const meta = await sharp(out.data).metadata();
      expect([out.width, out.height, meta.width, meta.height]).toEqual([80, 60, 80, 60]);
      expect(meta.format).toBe(format === 'avif' ? 'heif' : format);
      expect(out.format).toBe(format);
    },
  );

  it('refuses a PNG declaring 50,000 × 50,000 pixels as too large, without decoding it', async () => {
    await expect(render({ asset: decompressionBomb() })).rejects.toBeInstanceOf(AssetTooLargeError);
  });

  it('refuses bytes that are not an image, and image formats it does not take (SVG)', async () => {
    await expect(render({ asset: Buffer.from('definitely not an image') })).rejects.toBeInstanceOf(
      AssetNotAnImageError,
    );
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>',
    );
    await expect(render({ asset: svg })).rejects.toBeInstanceOf(AssetNotAnImageError);
    const truncated = (
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#f00' } })
        .jpeg()
        .toBuffer()
    ).subarray(0, 200);
    await expect(render({ asset: truncated })).rejects.toBeInstanceOf(AssetNotAnImageError);
  });

  it('fails with RENDER_FAILED for an unknown smart object or a missing required one', async () => {
    const prepared = await compositor.prepare({ id: 'checks', version: 1, manifest: manifest() }, assets);
    const asset = await solid(4, 4, '#fff');
    await expect(
      compositor.render(
        prepared,
        [{ uuid: '00000000-0000-4000-8000-0000000000ff', asset, fit: 'fill', rotate: 0 }],
        { format: 'png' },
      ),
    ).rejects.toBeInstanceOf(RenderFailedError);
    await expect(compositor.render(prepared, [], { format: 'png' })).rejects.toMatchObject({
      code: 'RENDER_FAILED',
    });
  });

  it('fails with RENDER_FAILED for an invalid manifest or a missing template asset', async () => {
    await expect(
      compositor.prepare({ id: 'bad', version: 1, manifest: { width: 0, height: 10, layers: [] } }, assets),
    ).rejects.toBeInstanceOf(RenderFailedError);
    await expect(
      compositor.prepare({ id: 'bad', version: 2, manifest: manifest() }, new Map()),
    ).rejects.toThrow(/base.png/);
  });

  it('keeps prepared templates by id and version, evicting by decoded bytes', async () => {
    const small = createCompositor({ pool, cacheBytes: 40 * 30 * 4 + 100 });
    let loads = 0;
    const load = () => {
      loads++;
      return Promise.resolve(assets);
    };
    await small.prepare({ id: 'a', version: 1, manifest: manifest() }, load);
    await small.prepare({ id: 'a', version: 1, manifest: manifest() }, load);
    expect(loads).toBe(1);
    await small.prepare({ id: 'b', version: 1, manifest: manifest() }, load);
    expect(small.cache.entries).toBe(1);
    await small.prepare({ id: 'a', version: 1, manifest: manifest() }, load);
    expect(loads).toBe(3);
    await small.prepare({ id: 'a', version: 2, manifest: manifest() }, load);
    expect(loads).toBe(4);
    expect(small.cache.bytes).toBeLessThanOrEqual(40 * 30 * 4 + 100);
  });
});

describe('compositor caches and reuse', () => {
  const SECOND = '00000000-0000-4000-8000-000000000002';
  let assets: Map<string, Buffer>;
  const twoSmartObjects: TemplateManifestInput = {
    width: 48,
    height: 36,
    layers: [
      { type: 'image', name: 'base', asset: 'base.png' },
      {
        type: 'smart_object',
        uuid: SO,
        name: 'Front',
        layer_name: 'Front',
        size: { width: 16, height: 16 },
        position: { x: 4, y: 4, width: 16, height: 16 },
        quad: [
          [4, 5],
          [20, 4],
          [21, 20],
          [3, 19],
        ],
        color: { default: '#ffffff', mask: { asset: 'product.png' } },
      },
      {
        type: 'smart_object',
        uuid: SECOND,
        name: 'Back',
        layer_name: 'Back',
        size: { width: 12, height: 12 },
        position: { x: 28, y: 14, width: 14, height: 14 },
        quad: null,
        required: false,
      },
      { type: 'image', name: 'glare', asset: 'glare.png', blend_mode: 'screen' },
    ],
  };

  beforeAll(async () => {
    assets = new Map([
      ['base.png', await stripes(48, 36, ['#406080', '#c0a080', '#203020'])],
      ['product.png', await stripes(48, 36, ['#ffffff', '#000000'])],
      ['glare.png', await solid(48, 36, '#ffffff40', 4)],
    ]);
  });

  /** A render by a compositor that has cached nothing yet: the reference pixels. */
  async function fresh(inputs: SmartObjectInput[]): Promise<Buffer> {
    const once = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 50_000_000 });
    const prepared = await once.prepare({ id: 'two', version: 1, manifest: twoSmartObjects }, assets);
    return (await once.render(prepared, inputs, { format: 'png' })).data;
  }

  it('renders product colours, default and not, from cached static canvases with the same pixels', async () => {
    const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 50_000_000 });
    const prepared = await compositor.prepare({ id: 'two', version: 1, manifest: twoSmartObjects }, assets);
    const art = await solid(16, 16, '#30c060');
    const input = (color?: string): SmartObjectInput[] => [
      { uuid: SO, asset: art, fit: 'fill', rotate: 0, ...(color ? { color } : {}) },
    ];
    for (const color of ['#1f2a44', undefined, '#1f2a44', '#ffffff', '#aa3300']) {
      const { data } = await compositor.render(prepared, input(color), { format: 'png' });
      expect((await rawOf(data)).data.equals((await rawOf(await fresh(input(color)))).data)).toBe(true);
    }
    // The template, and one static canvas per non-default colour.
    expect(compositor.cache.entries).toBe(3);
  });

  it('restores a reused canvas where the previous render drew (an optional smart object left out)', async () => {
    const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 50_000_000 });
    const prepared = await compositor.prepare({ id: 'two', version: 1, manifest: twoSmartObjects }, assets);
    const front = { uuid: SO, asset: await solid(16, 16, '#ff0000'), fit: 'fill' as const, rotate: 0 };
    const back = { uuid: SECOND, asset: await solid(12, 12, '#0000ff'), fit: 'fill' as const, rotate: 0 };
    for (const inputs of [[front, back], [front], [front, back], [front]]) {
      const { data } = await compositor.render(prepared, inputs, { format: 'png' });
      expect((await rawOf(data)).data.equals((await rawOf(await fresh(inputs))).data)).toBe(true);
    }
    const onlyFront = await rawOf((await compositor.render(prepared, [front], { format: 'png' })).data);
    expect(near(rgbAt(onlyFront, 35, 21), BLUE, 60)).toBe(false);
  });
});

/** A valid tiny PNG whose header declares 50,000 × 50,000 greyscale pixels. */
function decompressionBomb(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Buffer) => {
    let crc = 0xffffffff;
    for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(50_000, 0);
  header.writeUInt32BE(50_000, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(50_001))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
