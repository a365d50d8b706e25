import { createArchiveNamer, sanitiseNamePart } from './archive-names.js';

describe('archive file names', () => {
  it('join slug, colour hex without # and export label, numbered per stem', () => {
    const name = createArchiveNamer();
    const shirt = { slug: 't-shirt', color: '#FF0000', exportLabel: 'front', extension: 'png' };
    expect(name(shirt)).toBe('t-shirt-ff0000-front-1.png');
    expect(name(shirt)).toBe('t-shirt-ff0000-front-2.png');
    expect(name({ ...shirt, color: null, exportLabel: null, extension: 'jpeg' })).toBe('t-shirt-1.jpeg');
    expect(name({ ...shirt, color: '#00ff00' })).toBe('t-shirt-00ff00-front-1.png');
  });

  it('reduce odd characters to [a-z0-9._-], dropping accents, slashes and leading dots', () => {
    expect(sanitiseNamePart('Été / Front Côté')).toBe('ete-front-cote');
    expect(sanitiseNamePart('../../etc/passwd')).toBe('etc-passwd');
    expect(sanitiseNamePart('..hidden')).toBe('hidden');
    expect(sanitiseNamePart('a..b')).toBe('a.b');
    expect(sanitiseNamePart('日本語')).toBe('');
    expect(sanitiseNamePart('x'.repeat(200))).toHaveLength(60);
  });

  it('keep names unique when different labels sanitise to the same text', () => {
    const name = createArchiveNamer();
    const names = ['Front!', 'front?', 'FRONT', '日本', ''].map((label) =>
      name({ slug: 'Mug', color: null, exportLabel: label, extension: 'png' }),
    );
    expect(names).toEqual([
      'mug-front-1.png',
      'mug-front-2.png',
      'mug-front-3.png',
      'mug-1.png',
      'mug-2.png',
    ]);
  });

  it('fall back to "render" and "bin" when nothing usable is left', () => {
    const name = createArchiveNamer();
    expect(name({ slug: '???', color: null, exportLabel: null, extension: '' })).toBe('render-1.bin');
  });
});
