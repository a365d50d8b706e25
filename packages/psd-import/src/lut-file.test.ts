import { readLutFile } from './lut-file.js';

const text = (s: string) => new TextEncoder().encode(s);

/** A 2-point grid whose outputs are its inputs with red and blue swapped. */
const SWAP_CUBE = [
  '# red and blue swapped',
  'TITLE "swap"',
  'LUT_3D_SIZE 2',
  '0 0 0',
  '0 0 1',
  '0 1 0',
  '0 1 1',
  '1 0 0',
  '1 0 1',
  '1 1 0',
  '1 1 1',
].join('\r\n');

describe('readLutFile', () => {
  it('reads a .cube grid in red-fastest order', () => {
    const grid = readLutFile(text(SWAP_CUBE), 'cube');
    expect(grid).toEqual({
      size: 2,
      table: [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1],
    });
  });

  it('rescales a .cube whose domain is not 0–1', () => {
    const cube = [
      'LUT_3D_SIZE 2',
      'DOMAIN_MIN 0 0 0',
      'DOMAIN_MAX 2 2 2',
      ...Array<string>(8).fill('1 2 0'),
    ].join('\n');
    const grid = readLutFile(text(cube), 'cube');
    expect('table' in grid && grid.table.slice(0, 3)).toEqual([0.5, 1, 0]);
  });

  it('reads a .3dl grid (blue fastest, 12-bit levels) into the same order as the .cube', () => {
    // The same swap as SWAP_CUBE: entry (r, g, b) holds (b, g, r).
    const lines = ['0 1023'];
    for (const r of [0, 4095])
      for (const g of [0, 4095]) for (const b of [0, 4095]) lines.push(`${b} ${g} ${r}`);
    expect(readLutFile(text(lines.join('\n')), '3dl')).toEqual(readLutFile(text(SWAP_CUBE), 'cube'));
  });

  it.each([
    ['a table without a grid size', '0 0 0\n1 1 1'],
    ['a 2-point table of 7 entries', SWAP_CUBE.split('\r\n').slice(0, -1).join('\n')],
    ['a 1D .cube table', 'LUT_1D_SIZE 2\n0 0 0\n1 1 1'],
    ['a .cube line that is not three numbers', SWAP_CUBE.replace('0 1 1', '0 1')],
    ['a 66-point grid (at most 65)', 'LUT_3D_SIZE 66\n0 0 0'],
  ])('gives the reason "%s" for a file it cannot read', (reason, cube) => {
    expect(readLutFile(text(cube), 'cube')).toEqual({ reason });
  });
});
