// The Warp tool's free mesh against Photoshop itself: ag-psd's mesh-transform file (corpus, MIT) holds
// a placed layer bent with a custom 4×4 mesh, hidden, so its composite does not show it; but Photoshop
// stored the pixels it drew for the layer. With the layer made visible and the composite left out,
// Photoshop's image is its stored layers flattened, and Platen's render of the mesh must match them.
import { corpusFile, createCorpusCheck } from './support/corpus-check.js';

/** The document with the hidden flag of the layer at these bounds cleared (PSD layer record). */
function showLayer(psd: Buffer, [top, left, bottom, right]: number[]): Buffer {
  const bytes = Buffer.from(psd);
  const bounds = Buffer.alloc(16);
  [top, left, bottom, right].forEach((value, k) => bounds.writeInt32BE(value!, 4 * k));
  const record = bytes.indexOf(bounds);
  if (record < 0 || bytes.indexOf(bounds, record + 1) >= 0) throw new Error('layer record not found once');
  const channels = bytes.readUInt16BE(record + 16);
  const flags = record + 18 + 6 * channels + 4 + 4 + 2;
  bytes[flags] = bytes[flags]! & ~0x02;
  return bytes;
}

/** The document with its composite replaced by a blank raw one (as if saved without it). */
function withoutComposite(psd: Buffer): Buffer {
  const channels = psd.readUInt16BE(12);
  const height = psd.readUInt32BE(14);
  const width = psd.readUInt32BE(18);
  let offset = 26;
  for (let section = 0; section < 3; section++) offset += 4 + psd.readUInt32BE(offset);
  return Buffer.concat([psd.subarray(0, offset), Buffer.alloc(2 + channels * width * height)]);
}

describe("a placed layer's custom mesh against the pixels Photoshop drew for it", () => {
  const { check, close } = createCorpusCheck();
  afterAll(close);

  it('is hidden in the file as committed, so the corpus run has nothing to render', async () => {
    const result = await check(corpusFile('ag-psd_mesh-transform.psd'));
    expect(result).toMatchObject({ status: 'refused', code: 'PSD_NO_SMART_OBJECTS' });
  }, 60_000);

  it('made visible, draws the mesh-warped layer as Photoshop did (MAD ≤ 2 in its box) without a warning', async () => {
    const visible = withoutComposite(showLayer(corpusFile('ag-psd_mesh-transform.psd'), [20, 225, 195, 591]));
    const result = await check(visible);
    expect(result).toMatchObject({ status: 'ready', reference: 'stored layers', caveats: [] });
    expect(result.warnings).toEqual([]);
    const layer = (result as { worstLayers?: { layer: string; mad: number }[] }).worstLayers?.find(
      ({ layer }) => layer === 'transform',
    );
    expect(layer).toBeDefined();
    expect(layer!.mad).toBeLessThanOrEqual(2);
    expect(result.mad).toBeLessThanOrEqual(1);
  }, 60_000);
});
