// The page takes the API's types from @platen/contracts with `import type`, which must leave no zod
// (nor any other server code) in the browser bundle. Checked on the built files: `npm run build` first
// (`npm test` does it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const assetsDir = path.resolve(__dirname, '..', 'dist', 'web', 'assets');
// A zod schema keeps its internals under `_zod` and names its error class "ZodError"; minifying renames
// neither (one is a property, the other a string).
const ZOD_MARKERS = /\b_zod\b|ZodError/;

function bundledScripts(): Array<{ name: string; text: string }> {
  if (!existsSync(assetsDir)) throw new Error(`no ${assetsDir}: run npm run build first`);
  return readdirSync(assetsDir)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, text: readFileSync(path.join(assetsDir, name), 'utf8') }));
}

describe('the dashboard bundle', () => {
  it('recognises zod by the markers it looks for', () => {
    const zodRequire = createRequire(require.resolve('@platen/contracts'));
    const zodDir = path.dirname(zodRequire.resolve('zod/package.json'));
    const core = readFileSync(path.join(zodDir, 'v4', 'core', 'core.js'), 'utf8');
    const errors = readFileSync(path.join(zodDir, 'v4', 'classic', 'errors.js'), 'utf8');
    expect(core).toMatch(ZOD_MARKERS);
    expect(errors).toMatch(ZOD_MARKERS);
  });

  it('carries no zod, though the page types its API calls with the contracts schemas', () => {
    const scripts = bundledScripts();
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter(({ text }) => ZOD_MARKERS.test(text)).map(({ name }) => name)).toEqual([]);
  });
});
