// The file maps in the READMEs (indented lines starting with a `src/` path) name only files that
// exist, and every source file of the package is named or lies in a folder the map names, so a
// reader who trusts the map finds every room and no missing one.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './support/paths.js';

const MAPPED = [
  'packages/config',
  'packages/contracts',
  'packages/db',
  'packages/http',
  'packages/key-service-client',
  'packages/queue',
  'packages/testing',
  'services/gateway',
];

interface FileMap {
  /** Files the map names, relative to the package (`src/app.ts`). */
  files: string[];
  /** Folders the map names (`src/routes/`): everything under them counts as named. */
  folders: string[];
}

/** `    src/a/b.ts, c.ts  what they do`: b.ts and its sibling c.ts; `    src/a/  ...`: a folder. */
export function readFileMap(readme: string): FileMap {
  const map: FileMap = { files: [], folders: [] };
  for (const line of readme.split('\n')) {
    const entry = /^ {4}(src\/[^\s,]*)((?:, [\w.-]+\.ts)*)/.exec(line);
    if (!entry) continue;
    const [, first = '', siblings = ''] = entry;
    if (first.endsWith('/')) {
      map.folders.push(first);
      continue;
    }
    map.files.push(first);
    for (const sibling of siblings.split(', ').filter(Boolean))
      map.files.push(`${dirname(first)}/${sibling}`);
  }
  return map;
}

function sourceFiles(dir: string, prefix = 'src/'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return sourceFiles(join(dir, entry.name), `${prefix}${entry.name}/`);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [prefix + entry.name] : [];
  });
}

describe('README file maps', () => {
  it('reads a map line with siblings and a folder line', () => {
    const map = readFileMap(
      [
        'text src/not-a-map.ts',
        '    src/mockups/a.ts, b.ts  two files',
        '    src/routes/             a folder',
        '    src/app.ts              one file',
      ].join('\n'),
    );
    expect(map).toEqual({
      files: ['src/mockups/a.ts', 'src/mockups/b.ts', 'src/app.ts'],
      folders: ['src/routes/'],
    });
  });

  describe.each(MAPPED)('%s/README.md', (pkg) => {
    const root = join(REPO_ROOT, pkg);
    const map = readFileMap(readFileSync(join(root, 'README.md'), 'utf8'));

    it('names only files and folders that exist', () => {
      expect(map.files.length).toBeGreaterThan(0);
      expect(map.files.filter((file) => !existsSync(join(root, file)))).toEqual([]);
      expect(
        map.folders.filter(
          (folder) => !existsSync(join(root, folder)) || !statSync(join(root, folder)).isDirectory(),
        ),
      ).toEqual([]);
    });

    it('names every source file, or a folder it lies in', () => {
      const unnamed = sourceFiles(join(root, 'src')).filter(
        (file) => !map.files.includes(file) && !map.folders.some((folder) => file.startsWith(folder)),
      );
      expect(unnamed).toEqual([]);
    });
  });
});
