// The client must run in a browser: nothing reachable from src/index.ts may import a Node built-in
// (node:…, or a bare built-in name such as `crypto`) or any package at all, nor use Node-only
// globals. Checked on the import graph of the sources as written (static imports and re-exports).
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const SRC = path.join(__dirname, '..', 'src');
const NODE_ONLY_GLOBALS = /\b(?:Buffer|process|require|__dirname|__filename|global)\s*[.(]/;

function specifiersOf(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
    found.push(match[1]!);
  }
  for (const match of source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1]!);
  for (const match of source.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) found.push(match[1]!);
  return found;
}

function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const specifiers = specifiersOf(readFileSync(file, 'utf8'));
    graph.set(file, specifiers);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.'))
        visit(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return graph;
}

describe('the browser entry (src/index.ts)', () => {
  const graph = importGraph(path.join(SRC, 'index.ts'));

  it('reaches the whole client (the check walks the real graph)', () => {
    const files = [...graph.keys()].map((file) => path.relative(SRC, file)).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'client.ts',
        'transport.ts',
        'webhook-verify.ts',
        'mockups.ts',
        'generated/openapi.ts',
      ]),
    );
  });

  it('imports no Node built-in and no package, only its own modules', () => {
    const builtins = new Set(builtinModules);
    const offending = [...graph].flatMap(([file, specifiers]) =>
      specifiers
        .filter((s) => s.startsWith('node:') || builtins.has(s.split('/')[0]!) || !s.startsWith('.'))
        .map((s) => `${path.relative(SRC, file)} imports ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('uses no Node-only global (Buffer, process, require)', () => {
    const offending = [...graph.keys()]
      .filter((file) =>
        NODE_ONLY_GLOBALS.test(readFileSync(file, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')),
      )
      .map((file) => path.relative(SRC, file));
    expect(offending).toEqual([]);
  });
});
