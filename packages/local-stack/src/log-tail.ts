// The line an operator needs from a database's log when it failed to start, so the error says why
// without sending them to the file first.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

const TAIL_BYTES = 16 * 1024;

function tailOf(file: string): string {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    fd = openSync(file, 'r');
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The last line of `file` matching `important`, else its last non-empty line, else ''. */
export function lastLogLine(file: string, important?: RegExp): string {
  const lines = tailOf(file)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const pick = (important && lines.filter((line) => important.test(line)).at(-1)) ?? lines.at(-1);
  return pick ?? '';
}
