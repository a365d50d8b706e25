// What a checkout needs before a package.json script can run: an install (node_modules missing or
// older than package-lock.json) and which workspaces' dist is older than their build inputs.
// Plain Node, no dependencies: it runs before node_modules exists.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WORKSPACE_GROUPS = ['packages', 'services'];
/** What turbo.json's build task hashes, minus tests (they are not compiled into dist). */
const INPUT_DIRS = ['src', 'web'];
const INPUT_FILES = ['package.json', 'tsconfig.build.json', 'tsconfig.vite.json', 'vite.config.ts'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.turbo']);
const isTest = (name) => /\.test\.[cm]?[jt]sx?$/.test(name);

function mtimeOf(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestIn(dir, skipTests) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) newest = Math.max(newest, newestIn(full, skipTests));
    } else if (!(skipTests && isTest(entry.name))) {
      newest = Math.max(newest, mtimeOf(full) ?? 0);
    }
  }
  return newest;
}

/** npm writes node_modules/.package-lock.json on every install; it is missing or older when one is due. */
export function installNeeded(root) {
  const installed = mtimeOf(join(root, 'node_modules', '.package-lock.json'));
  if (installed === undefined) return true;
  const lock = mtimeOf(join(root, 'package-lock.json'));
  return lock !== undefined && lock > installed;
}

/** Workspaces (e.g. `packages/config`) that have a build script. */
export function buildableWorkspaces(root) {
  return WORKSPACE_GROUPS.flatMap((group) => {
    let names;
    try {
      names = readdirSync(join(root, group)).sort();
    } catch {
      return [];
    }
    return names
      .map((name) => `${group}/${name}`)
      .filter((dir) => {
        try {
          return Boolean(JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).scripts?.build);
        } catch {
          return false;
        }
      });
  });
}

/** Workspaces whose dist is missing or older than a build input (its sources, its config files, tsconfig.base.json). */
export function staleWorkspaces(root) {
  const shared = mtimeOf(join(root, 'tsconfig.base.json')) ?? 0;
  return buildableWorkspaces(root).filter((dir) => {
    const workspace = join(root, dir);
    const built = existsSync(join(workspace, 'dist')) ? newestIn(join(workspace, 'dist'), false) : 0;
    const inputs = Math.max(
      shared,
      ...INPUT_DIRS.map((name) => newestIn(join(workspace, name), true)),
      ...INPUT_FILES.map((name) => mtimeOf(join(workspace, name)) ?? 0),
    );
    return built === 0 || inputs > built;
  });
}
