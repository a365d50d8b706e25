// The gateway imports the built ESM (dist/index.js): it must find the same folder as the source does.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const packageRoot = path.resolve(__dirname, '..');
const builtEntry = path.join(packageRoot, 'dist', 'index.js');

(existsSync(builtEntry) ? it : it.skip)('the built ESM entry resolves dist/web from its own location', () => {
  const script = `import(${JSON.stringify(builtEntry)}).then((m) => process.stdout.write(m.dashboardWebRoot()))`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: '/',
    encoding: 'utf8',
  });
  expect(out).toBe(path.join(packageRoot, 'dist', 'web'));
});
