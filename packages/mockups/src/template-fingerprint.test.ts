import { canonicalJson, templateFingerprint } from './template-fingerprint.js';

const base = {
  slug: 's',
  name: 'n',
  manifest: { width: 10, height: 20, layers: [{ type: 'image', asset: 'a.png' }] },
  assets: new Map([['a.png', Buffer.from('A')]]),
  thumbnail: Buffer.from('T'),
};

describe('templateFingerprint', () => {
  it('ignores key order (jsonb does not keep it) but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
    const reordered = { ...base, manifest: { layers: base.manifest.layers, height: 20, width: 10 } };
    expect(templateFingerprint(reordered)).toBe(templateFingerprint(base));
  });

  it('changes when an asset’s bytes, the manifest or the thumbnail change', () => {
    const original = templateFingerprint(base);
    expect(templateFingerprint({ ...base, assets: new Map([['a.png', Buffer.from('B')]]) })).not.toBe(
      original,
    );
    expect(templateFingerprint({ ...base, manifest: { ...base.manifest, width: 11 } })).not.toBe(original);
    expect(templateFingerprint({ ...base, thumbnail: Buffer.from('U') })).not.toBe(original);
  });
});
