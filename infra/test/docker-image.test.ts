// The images, checked without docker: the Dockerfile's stages, what the build context lets in, and the
// bundle step that decides what each image contains. With a docker daemon the images are built too;
// without one that part is skipped and says why.
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { dockerDaemon } from './support/docker-cli.js';
import { lineage, readDockerfile, type Stage } from './support/dockerfile.js';
import { BUNDLE_SCRIPT, DOCKERFILE, DOCKERIGNORE, REPO_ROOT } from './support/paths.js';

const SERVICES = ['gateway', 'key-service', 'render-worker'] as const;
const stages = readDockerfile(DOCKERFILE);

const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const instructionsOf = (chain: Stage[], keyword: string) =>
  chain.flatMap((s) => s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args));

function runBundle(args: string[], cwd = REPO_ROOT) {
  return spawnSync(process.execPath, [BUNDLE_SCRIPT, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

describe('infra/docker/Dockerfile', () => {
  it('starts every image from node:20-bookworm-slim (glibc, so sharp loads its prebuilt libvips)', () => {
    for (const name of SERVICES) {
      expect(lineage(stages, name).at(-1)?.from).toBe('node:20-bookworm-slim');
    }
  });

  it.each(SERVICES)(
    'makes the %s image run as the non-root node user under tini, in production mode',
    (name) => {
      const chain = lineage(stages, name);
      expect(instructionsOf(chain, 'USER').at(0)).toBe('node');
      expect(instructionsOf(chain, 'ENTRYPOINT').at(0)).toBe('["/usr/bin/tini", "--"]');
      expect(instructionsOf(chain, 'RUN').join('\n')).toMatch(
        /apt-get install -y --no-install-recommends tini/,
      );
      expect(instructionsOf(chain, 'ENV').join(' ')).toMatch(/NODE_ENV=production/);
    },
  );

  it('runs the render-worker with jemalloc, which its image installs', () => {
    const chain = lineage(stages, 'render-worker');
    const preload = /LD_PRELOAD=(\S+)/.exec(instructionsOf(chain, 'ENV').join(' '))?.[1];
    expect(preload).toBe('/usr/local/lib/libjemalloc.so.2');
    const runs = instructionsOf(chain, 'RUN').join('\n');
    expect(runs).toMatch(/apt-get install -y --no-install-recommends libjemalloc2/);
    expect(runs).toContain(`ln -s "/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2" ${preload}`);
  });

  it.each(SERVICES)('gives the %s image a HEALTHCHECK and starts its compiled entry point', (name) => {
    const own = stage(name).instructions;
    const port = {
      gateway: 'PORT:-8080}/readyz',
      'key-service': 'KEY_SERVICE_PORT:-8081}/readyz',
      'render-worker': 'METRICS_PORT:-9464}/healthz',
    }[name];
    expect(own.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain(port);
    expect(own.find((i) => i.keyword === 'CMD')?.args).toBe(
      `["node", "--enable-source-maps", "services/${name}/dist/main.js"]`,
    );
  });

  it.each(SERVICES)(
    'fills the %s image only from its production bundle, never from the build context',
    (name) => {
      const chain = lineage(stages, name);
      const copies = instructionsOf(chain, 'COPY');
      expect(copies).toEqual(expect.arrayContaining([`--from=${name}-bundle /bundle /app`]));
      expect(
        copies
          .filter((c) => !c.startsWith('--from='))
          .every((c) => c.startsWith('infra/docker/healthcheck.mjs')),
      ).toBe(true);
    },
  );

  it.each(SERVICES)('installs only production dependencies of %s for its bundle', (name) => {
    const runs = instructionsOf(lineage(stages, `${name}-bundle`), 'RUN').join('\n');
    expect(runs).toMatch(new RegExp(`npm ci --omit=dev --workspace services/${name}\\b`));
    expect(runs).toMatch(new RegExp(`node /opt/bundle.mjs services/${name} /app /build /bundle`));
  });

  it('compiles everything in a build stage with all dependencies, which no image inherits from', () => {
    const runs = instructionsOf([stage('build')], 'RUN').join('\n');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build\b/);
    for (const name of SERVICES) expect(lineage(stages, name).map((s) => s.name)).not.toContain('build');
  });
});

describe('.dockerignore', () => {
  const rules = readFileSync(DOCKERIGNORE, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('lets in only what the images are built from', () => {
    expect(rules[0]).toBe('*');
    expect(rules.filter((rule) => rule.startsWith('!')).sort()).toEqual(
      [
        '!infra/docker/',
        '!package-lock.json',
        '!package.json',
        '!packages/',
        '!services/',
        '!tsconfig.base.json',
        '!turbo.json',
      ].sort(),
    );
  });

  it('keeps out installed, built and test files and secrets, even inside the allowed folders', () => {
    expect(rules).toEqual(
      expect.arrayContaining([
        '**/node_modules',
        '**/dist',
        '**/*.test.ts',
        '**/test',
        '**/.env',
        '**/.data',
      ]),
    );
  });
});

describe('infra/docker/bundle.mjs', () => {
  let root: string;

  /** A tiny monorepo: service → lib → core at run time, and a dev-only tooling workspace. */
  function fixture() {
    root = mkdtempSync(join(tmpdir(), 'platen-bundle-'));
    const write = (path: string, content: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    };
    const manifest = (
      name: string,
      dependencies: Record<string, string>,
      devDependencies: Record<string, string> = {},
    ) => JSON.stringify({ name, type: 'module', dependencies, devDependencies });
    write('install/package.json', JSON.stringify({ name: 'root', workspaces: ['packages/*', 'services/*'] }));
    write('install/services/app/package.json', manifest('@x/app', { '@x/lib': '*' }, { '@x/tooling': '*' }));
    write('install/packages/lib/package.json', manifest('@x/lib', { '@x/core': '*', dep: '1' }));
    write('install/packages/core/package.json', manifest('@x/core', {}));
    write('install/packages/tooling/package.json', manifest('@x/tooling', {}));
    write('install/node_modules/dep/package.json', JSON.stringify({ name: 'dep' }));
    write('install/packages/lib/node_modules/pinned/package.json', JSON.stringify({ name: 'pinned' }));
    mkdirSync(join(root, 'install/node_modules/@x'), { recursive: true });
    for (const [link, target] of [
      ['app', '../../services/app'],
      ['lib', '../../packages/lib'],
      ['core', '../../packages/core'],
      ['tooling', '../../packages/tooling'],
    ] as const) {
      symlinkSync(target, join(root, 'install/node_modules/@x', link));
    }
    write('build/services/app/dist/main.js', "import { lib } from '@x/lib';\nlib();\n");
    write('build/services/app/dist/main.d.ts', 'export {};\n');
    write('build/services/app/dist/.tsbuildinfo', '{}');
    write(
      'build/packages/lib/dist/index.js',
      "import dep from 'dep';\nimport pinned from 'pinned';\nimport { core } from '@x/core';\nexport const lib = () => [dep, pinned, core];\n",
    );
    write(
      'build/packages/core/dist/index.js',
      "import { readFileSync } from 'node:fs';\nimport path from 'path';\nexport const core = 1;\n",
    );
    write('build/packages/tooling/dist/index.js', 'export const tooling = 1;\n');
  }

  beforeEach(fixture);
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('bundles the service with every workspace it needs at run time, and no dev-only workspace', () => {
    const result = runBundle(['services/app', join(root, 'install'), join(root, 'build'), join(root, 'out')]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      service: 'services/app',
      workspaces: ['@x/app', '@x/core', '@x/lib'],
    });
    expect(readdirSync(join(root, 'out/node_modules/@x')).sort()).toEqual(['app', 'core', 'lib']);
    expect(existsSync(join(root, 'out/packages/tooling'))).toBe(false);
    expect(existsSync(join(root, 'out/packages/lib/node_modules/pinned/package.json'))).toBe(true);
  });

  it('leaves type declarations and build info out of the image', () => {
    runBundle(['services/app', join(root, 'install'), join(root, 'build'), join(root, 'out')]);
    expect(readdirSync(join(root, 'out/services/app/dist'))).toEqual(['main.js']);
  });

  it('fails the build when a bundled file imports a package the production install lacks', () => {
    writeFileSync(
      join(root, 'build/packages/core/dist/index.js'),
      "import express from 'express';\nexport const core = express;\n",
    );
    const result = runBundle(['services/app', join(root, 'install'), join(root, 'build'), join(root, 'out')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /packages\/core\/dist\/index\.js imports 'express', which is not installed/,
    );
  });

  it('fails the build when a workspace was not compiled', () => {
    rmSync(join(root, 'build/packages/core/dist'), { recursive: true });
    const result = runBundle(['services/app', join(root, 'install'), join(root, 'build'), join(root, 'out')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/@x\/core: .* is missing; run the build first/);
  });
});

/** `import`s and re-exports that survive compilation (type-only ones are erased). */
const VALUE_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function runtimeWorkspaces(service: string): { status: number | null; workspaces: string[] } {
  const listed = runBundle(['--list', `services/${service}`, REPO_ROOT]);
  const { workspaces } = JSON.parse(listed.stdout || '{"workspaces":[]}') as { workspaces: string[] };
  return { status: listed.status, workspaces };
}

function folderOf(workspace: string): string {
  return (
    ['packages', 'services']
      .map((group) => join(REPO_ROOT, group, workspace.replace('@platen/', '')))
      .find((dir) => existsSync(join(dir, 'package.json'))) ?? ''
  );
}

/** The packages a workspace's compiled code loads: value imports of its sources, by package name. */
function importedPackages(workspace: string): Array<{ file: string; pkg: string }> {
  return sourceFiles(join(folderOf(workspace), 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(VALUE_IMPORT)]
      .map((match) => match[1] ?? '')
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
      .map((specifier) => {
        const parts = specifier.split('/');
        return {
          file: relative(REPO_ROOT, file),
          pkg: (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/'),
        };
      })
      .filter(({ pkg }) => !builtinModules.includes(pkg)),
  );
}

describe.each(SERVICES)('the %s image, as this repository declares it', (name) => {
  it('contains every workspace package its code imports', () => {
    const { status, workspaces } = runtimeWorkspaces(name);
    expect(status).toBe(0);
    const missing = workspaces.flatMap((workspace) =>
      importedPackages(workspace)
        .filter(({ pkg }) => pkg.startsWith('@platen/') && !workspaces.includes(pkg))
        .map(({ file, pkg }) => `${file} imports ${pkg}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('the workspaces in the images', () => {
  it('declare every package their code imports at run time, so `npm ci --omit=dev` installs it', () => {
    const inImages = [...new Set(SERVICES.flatMap((name) => runtimeWorkspaces(name).workspaces))].sort();
    const undeclared = inImages.flatMap((workspace) => {
      const manifest = JSON.parse(readFileSync(join(folderOf(workspace), 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      const declared = new Set(Object.keys(manifest.dependencies ?? {}));
      return importedPackages(workspace)
        .filter(({ pkg }) => !declared.has(pkg) && pkg !== workspace)
        .map(({ file, pkg }) => `${file} imports ${pkg}, which ${workspace} does not list in dependencies`);
    });
    expect([...new Set(undeclared)]).toEqual([]);
  });
});

const daemon = dockerDaemon();
describe('docker build', () => {
  if (!daemon.available) {
    it.skip(`builds the gateway, key-service and render-worker images (skipped: ${daemon.reason})`, () =>
      undefined);
    return;
  }
  it.each(SERVICES)(
    'builds the %s image',
    (name) => {
      const result = spawnSync(
        'docker',
        ['build', '--file', DOCKERFILE, '--target', name, '--tag', `platen/${name}:test`, REPO_ROOT],
        { encoding: 'utf8', timeout: 1_200_000 },
      );
      expect({
        status: result.status,
        stderr: result.status === 0 ? '' : result.stderr.slice(-2000),
      }).toEqual({
        status: 0,
        stderr: '',
      });
    },
    1_300_000,
  );
});
