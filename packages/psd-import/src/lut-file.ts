// A 3D LUT file as a Color Lookup layer embeds it (.cube or .3dl text) → a grid in .cube order
// (red fastest), values 0–1. Anything else (Photoshop's .look, a file it cannot parse, a grid
// larger than the compositor takes) gives a reason instead. Reading is bounded by the size limit.
import { COLOR_LOOKUP_SIZE_MAX } from '@platen/compositor';

export interface LutGrid {
  size: number;
  table: number[];
}
/** Why a table is not read. */
export interface LutUnreadable {
  reason: string;
}
/** Which channel a file's loops nest outermost first, and the order of a line's values. */
interface LutOrders {
  tableOrder: 'rgb' | 'bgr';
  dataOrder: 'rgb' | 'bgr';
}

const MAX_BYTES = COLOR_LOOKUP_SIZE_MAX ** 3 * 3 * 24;

function rowsOf(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const numbers = (line: string): number[] => line.split(/\s+/).map(Number);

/** Red-fastest order, whatever the file's loop nesting and value order. */
function reorder(values: number[], size: number, orders: LutOrders): number[] {
  if (orders.tableOrder === 'bgr' && orders.dataOrder === 'rgb') return values;
  const out = new Array<number>(values.length);
  const n = size;
  for (let index = 0; index < n ** 3; index++) {
    // Position in the file: the outermost channel is the slowest.
    const slow = Math.floor(index / (n * n));
    const mid = Math.floor(index / n) % n;
    const fast = index % n;
    const [r, g, b] = orders.tableOrder === 'bgr' ? [fast, mid, slow] : [slow, mid, fast];
    const at = (r + n * (g + n * b)) * 3;
    const [x, y, z] = [values[index * 3]!, values[index * 3 + 1]!, values[index * 3 + 2]!];
    [out[at], out[at + 1], out[at + 2]] = orders.dataOrder === 'rgb' ? [x, y, z] : [z, y, x];
  }
  return out;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

function parseCube(rows: string[], orders: LutOrders): LutGrid | LutUnreadable {
  let size = 0;
  let min = [0, 0, 0];
  let max = [1, 1, 1];
  const values: number[] = [];
  for (const row of rows) {
    const keyword = /^[A-Z_0-9]+/.exec(row)?.[0];
    if (keyword === 'LUT_3D_SIZE') size = Number(row.split(/\s+/)[1]);
    else if (keyword === 'LUT_1D_SIZE') return { reason: 'a 1D .cube table' };
    else if (keyword === 'DOMAIN_MIN') min = numbers(row).slice(1);
    else if (keyword === 'DOMAIN_MAX') max = numbers(row).slice(1);
    else if (keyword === undefined || /^[-+.\d]/.test(row)) {
      const triple = numbers(row);
      if (triple.length !== 3 || triple.some((v) => !Number.isFinite(v))) {
        return { reason: 'a .cube line that is not three numbers' };
      }
      values.push(...triple);
    } else if (keyword !== 'TITLE' && !keyword.startsWith('LUT_')) {
      return { reason: `a .cube keyword "${keyword}"` };
    }
  }
  const checked = checkedSize(size, values.length);
  if ('reason' in checked) return checked;
  if (min.length !== 3 || max.length !== 3 || min.some((v, c) => !(max[c]! > v))) {
    return { reason: 'a .cube domain that is not increasing' };
  }
  // Values are outputs in the domain's units: rescale to 0–1.
  const scaled = values.map((v, i) => clamp01((v - min[i % 3]!) / (max[i % 3]! - min[i % 3]!)));
  return { size, table: reorder(scaled, size, orders) };
}

/** A .3dl file: a line of the input grid's positions, then size³ integer triples. */
function parse3dl(rows: string[], orders: LutOrders): LutGrid | LutUnreadable {
  const data = rows.filter((row) => !/^[A-Za-z]/.test(row));
  const mesh = numbers(data[0] ?? '');
  const size = mesh.length;
  const values = data.slice(1).flatMap(numbers);
  const checked = checkedSize(size, values.length);
  if ('reason' in checked) return checked;
  if (values.some((v) => !Number.isInteger(v) || v < 0))
    return { reason: 'a .3dl value that is not a level' };
  // The output depth is not stated: the smallest of 10, 12 or 16 bits that holds every value.
  const top = values.reduce((a, b) => Math.max(a, b), 1);
  const depth = [1023, 4095, 65535].find((d) => d >= top);
  if (depth === undefined) return { reason: 'a .3dl deeper than 16 bits' };
  return {
    size,
    table: reorder(
      values.map((v) => v / depth),
      size,
      orders,
    ),
  };
}

function checkedSize(size: number, values: number): { ok: true } | LutUnreadable {
  if (!Number.isInteger(size) || size < 2) return { reason: 'a table without a grid size' };
  if (size > COLOR_LOOKUP_SIZE_MAX)
    return { reason: `a ${size}-point grid (at most ${COLOR_LOOKUP_SIZE_MAX})` };
  if (values !== size ** 3 * 3) return { reason: `a ${size}-point table of ${values / 3} entries` };
  return { ok: true };
}

/**
 * The grid of an embedded .cube or .3dl file, in each format's own nesting (.cube red fastest,
 * .3dl blue fastest). The layer's own order fields are not used: Photoshop writes the same
 * (table "bgr", data "rgb") beside a .cube, and no .3dl sample was found to check them on.
 */
export function readLutFile(bytes: Uint8Array, format: 'cube' | '3dl'): LutGrid | LutUnreadable {
  if (bytes.length > MAX_BYTES) return { reason: 'a table file too large to read' };
  const rows = rowsOf(new TextDecoder('latin1').decode(bytes));
  return format === 'cube'
    ? parseCube(rows, { tableOrder: 'bgr', dataOrder: 'rgb' })
    : parse3dl(rows, { tableOrder: 'rgb', dataOrder: 'rgb' });
}
