// The PSD fidelity harness (infra/bench/psd-fidelity): its numbers must mean what RESULTS.md says
// they mean, and every corpus file must say where it came from and under which licence.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { compareImages, crop, decodeRgba, sideBySide } from '../bench/psd-fidelity/compare.mjs';
import { photoshopReference, readDocument } from '../bench/psd-fidelity/photoshop-reference.mjs';
import { CORPUS, corpusFile, createCorpusCheck } from './support/corpus-check.js';

interface Rgba {
  data: Uint8Array;
  width: number;
  height: number;
}

/** An opaque grey image, one value per pixel. */
function grey(values: number[], width = values.length): Rgba {
  const data = new Uint8Array(values.length * 4);
  values.forEach((value, i) => data.set([value, value, value, 255], i * 4));
  return { data, width, height: values.length / width };
}

describe('the comparison', () => {
  const ramp = [0, 32, 64, 96, 128, 160, 192, 224];

  it('finds no difference between an image and itself', () => {
    expect(compareImages(grey(ramp), grey(ramp))).toEqual({ mad: 0, offShare: 0 });
  });

  it('measures a ramp moved one pixel sideways: 7 of 8 pixels off by 32 levels', () => {
    const shifted = [0, ...ramp.slice(0, -1)];
    const { mad, offShare } = compareImages(grey(ramp), grey(shifted));
    expect(mad).toBeCloseTo((7 * 32) / 8, 10);
    expect(offShare).toBeCloseTo(7 / 8, 10);
  });

  it('counts a pixel as off only beyond 16 levels', () => {
    const { mad, offShare } = compareImages(grey(ramp), grey(ramp.map((v) => v + 16)));
    expect(mad).toBe(16);
    expect(offShare).toBe(0);
    expect(compareImages(grey(ramp), grey(ramp.map((v) => v + 17))).offShare).toBe(1);
  });

  it('compares what a viewer sees: transparent pixels of any colour are the same white', () => {
    const clearBlack = { data: new Uint8Array([0, 0, 0, 0]), width: 1, height: 1 };
    const clearRed = { data: new Uint8Array([255, 0, 0, 0]), width: 1, height: 1 };
    expect(compareImages(clearBlack, clearRed).mad).toBe(0);
    const halfBlack = { data: new Uint8Array([0, 0, 0, 128]), width: 1, height: 1 };
    expect(compareImages(clearBlack, halfBlack).mad).toBe(128);
  });

  it('measures one layer inside its box, clipped to the canvas', () => {
    const image = grey([0, 10, 20, 30, 40, 50, 60, 70], 4);
    expect(crop(image, { left: 1, top: 0, right: 3, bottom: 2 })).toEqual(grey([10, 20, 50, 60], 2));
    expect(crop(image, { left: 3, top: 1, right: 9, bottom: 9 })).toEqual(grey([70], 1));
    expect(crop(image, { left: 5, top: 0, right: 9, bottom: 1 })).toBeUndefined();
  });

  it('refuses images of different sizes rather than compare them', () => {
    expect(() => compareImages(grey(ramp), grey(ramp, 4))).toThrow(/sizes differ: 8×1 against 4×2/);
  });

  it('draws Photoshop, Platen and the difference side by side', async () => {
    const png = await sideBySide(grey(ramp, 4), grey([...ramp].reverse(), 4));
    const { width, height } = await sharp(png).metadata();
    // Panels of 4×2 enlarged 128 times (to 256 px high), with two gaps of 4 × 128.
    expect({ width, height }).toEqual({ width: 3 * 4 * 128 + 2 * 4 * 128, height: 256 });
    const panels = await decodeRgba(png);
    const at = (x: number) => panels.data[x * 4];
    expect(at(0)).toBe(0);
    expect(at(4 * 128 + 4 * 128)).toBe(224);
  });
});

describe("Photoshop's image of a document", () => {
  it('is the composite it saved', () => {
    const reference = photoshopReference(readDocument(corpusFile('psd-tools_layers_smartobject-layer.psd')));
    expect(reference.kind).toBe('composite');
  });

  it('is its stored layers flattened when it saved no composite, and those agree with its composite', () => {
    const withComposite = readDocument(corpusFile('psd-tools_layers_smartobject-layer.psd'));
    const without = photoshopReference(
      readDocument(corpusFile('psd-tools_layers-minimal_smartobject-layer.psd')),
    );
    expect(without.kind).toBe('stored layers');
    expect(without.caveats).toEqual([]);
    expect(compareImages(photoshopReference(withComposite).image, without.image).mad).toBeLessThan(0.5);
  });
});

describe('a corpus file through the worker import and a render', () => {
  const { check, close } = createCorpusCheck();
  afterAll(close);

  it('renders an embedded PNG smart object as Photoshop did', async () => {
    const result = await check(corpusFile('psd-tools_layers_smartobject-layer.psd'));
    expect(result).toMatchObject({ status: 'ready', reference: 'composite', size: '32×32' });
    expect(result.smartObjects).toEqual([
      expect.objectContaining({ file: 'A.png', required: true, artwork: true }),
    ]);
    expect(result.mad).toBeLessThanOrEqual(2);
  });

  it('leaves smart objects linked from outside to their stored pixels and says so', async () => {
    const result = await check(corpusFile('psd-tools_placedLayer.psd'));
    expect(result.status).toBe('ready');
    expect(result.notes).toEqual([
      'linked-png: "linked-layer.png" is linked from outside the document',
      'linked-psd: "1layer.psd" is linked from outside the document',
    ]);
    expect(result.mad).toBeLessThanOrEqual(2);
  });

  it('reports a refusal with the code the mockup would get, and no numbers', async () => {
    const result = await check(
      Buffer.from(corpusFile('psd-tools_layers_smartobject-layer.psd').subarray(0, 2000)),
    );
    expect(result).toMatchObject({ status: 'refused', code: 'PSD_CORRUPT' });
    expect(result.mad).toBeUndefined();
  });
});

describe('the corpus', () => {
  const sources = readFileSync(path.join(CORPUS, 'SOURCES.md'), 'utf8');
  const listed = [
    ...sources.matchAll(
      /^\| (\S+\.ps[db]) \| (https:\/\/github\.com\/\S+) @ ([0-9a-f]{12}) \| `[^`]+` \| (MIT|BSD-3-Clause), Copyright /gm,
    ),
  ];
  const files = readdirSync(CORPUS).filter((name) => name !== 'SOURCES.md');

  it('holds at least 20 documents', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it('lists every file with its repository, commit, path and licence, and nothing that is not there', () => {
    expect(listed.map((match) => match[1]).sort()).toEqual([...files].sort());
  });
});
