// Installs n8n from the npm registry into a cache folder outside the repository, reused by later runs.
//
// n8n 2.x needs Node >= 24; this is the newest 1.x, which declares Node >= 20.19. Three things in
// its dependency tree do not install as they are on Node 20 without internet beyond the registry:
// - `xlsx` is a tarball URL on cdn.sheetjs.com: overridden with the registry's last xlsx (only the
//   spreadsheet nodes use it);
// - `isolated-vm` 6.x (behind n8n's default "vm" expression engine since 1.123.66) needs Node >= 22
//   (it does not compile against Node 20's V8): overridden with 5.0.4, the same API for Node >= 18;
// - native modules fetch prebuilt binaries from GitHub: scripts are skipped and the two n8n needs,
//   sqlite3 (its default database) and isolated-vm, are built from source with node-gyp.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';

export const N8N_VERSION = '1.123.81';
const OVERRIDES = { xlsx: '0.18.5', 'isolated-vm': '5.0.4' };
const NATIVE = ['sqlite3', 'isolated-vm'];
const NPM_INSTALL_MS = 20 * 60_000;
const BUILD_MS = 15 * 60_000;

/** One folder per n8n version and Node ABI: a native module built for one Node does not load in another. */
export function n8nInstallDir(cacheRoot) {
  return join(cacheRoot, `n8n-${N8N_VERSION}-node-abi${process.versions.modules}`);
}

function recipe() {
  return { n8n: N8N_VERSION, overrides: OVERRIDES, native: NATIVE, abi: process.versions.modules };
}

function isComplete(dir) {
  try {
    return (
      JSON.stringify(JSON.parse(readFileSync(join(dir, 'platen-install.json'), 'utf8'))) ===
      JSON.stringify(recipe())
    );
  } catch {
    return false;
  }
}

/** The environment of a child npm: ours minus the npm_* variables a parent `npm run` sets (local prefix etc.). */
function npmEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

/** npm's own node-gyp (current, knows today's Python), else the one in the n8n tree. */
function nodeGypOf(dir) {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath &&
      join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error("node-gyp not found (neither npm's nor one in the n8n install)");
  return found;
}

/** Node's headers: node-gyp would otherwise download them from nodejs.org. */
function nodeDir() {
  const candidates = [process.env.npm_config_nodedir, join(dirname(process.execPath), '..')];
  return candidates.find((dir) => dir && existsSync(join(dir, 'include', 'node', 'node.h')));
}

function removeStalePartials(cacheRoot, finalDir) {
  if (!existsSync(cacheRoot)) return;
  const prefix = `${finalDir.slice(cacheRoot.length + 1)}.partial-`;
  for (const name of readdirSync(cacheRoot)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid !== process.pid && !existsSync(`/proc/${pid}`))
      rmSync(join(cacheRoot, name), { recursive: true, force: true });
  }
}

/**
 * Returns the folder holding node_modules/n8n, installing it first unless a complete install for
 * this version and Node is there. Builds in a partial folder and renames it at the end, so an
 * interrupted install is never mistaken for a complete one.
 */
export async function ensureN8n({ cacheRoot, processes, log }) {
  const dir = n8nInstallDir(cacheRoot);
  if (isComplete(dir)) return { dir, installed: false };
  removeStalePartials(cacheRoot, dir);
  rmSync(dir, { recursive: true, force: true });
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    writeFileSync(
      join(partial, 'package.json'),
      JSON.stringify(
        { name: 'platen-n8n-test', private: true, dependencies: { n8n: N8N_VERSION }, overrides: OVERRIDES },
        null,
        2,
      ),
    );
    log(`installing n8n ${N8N_VERSION} into ${dir} (scripts skipped; a cold install takes minutes)`);
    await processes.run(
      'npm',
      ['install', '--prefix', partial, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      { name: 'npm install n8n', cwd: partial, env: npmEnv(), timeoutMs: NPM_INSTALL_MS },
    );
    const gyp = nodeGypOf(partial);
    const headers = nodeDir();
    const jobs = String(Math.max(1, cpus().length));
    for (const module of NATIVE) {
      log(`building ${module} from source with node-gyp`);
      await processes.run(
        process.execPath,
        [gyp, 'rebuild', '--release', '-j', jobs, ...(headers ? [`--nodedir=${headers}`] : [])],
        {
          name: `node-gyp ${module}`,
          cwd: join(partial, 'node_modules', module),
          env: npmEnv(),
          timeoutMs: BUILD_MS,
        },
      );
    }
    writeFileSync(join(partial, 'platen-install.json'), JSON.stringify(recipe()));
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  return { dir, installed: true };
}
