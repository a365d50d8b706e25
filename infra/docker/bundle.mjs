// Assembles one service's runtime tree for its image: the production node_modules that
// `npm ci --omit=dev --workspace <service>` left in <install root>, plus package.json and compiled dist/
// of the service and of every workspace package it needs at run time (its `dependencies`, transitively).
// Dev-only workspaces (e.g. @platen/testing) and type declarations stay out. A compiled file that
// imports a package the bundle lacks fails the build here, not the container at start.
//
//   node bundle.mjs <service dir> <install root> <build root> <output dir>
//   node bundle.mjs --list <service dir> <install root>     (prints the runtime workspaces, copies nothing)
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join, relative, sep } from 'node:path';
import process from 'node:process';

const DECLARATION_FILE = /\.d\.[cm]?ts(\.map)?$|\.tsbuildinfo$/;
// Static imports and re-exports of compiled ESM; `import(variable)` is lazy by design and not checked.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const LITERAL_DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Workspace package name → its folder (relative to the root), from the root's `dir/*` patterns. */
function workspaceFolders(installRoot) {
  const folders = new Map();
  for (const pattern of readJson(join(installRoot, 'package.json')).workspaces ?? []) {
    if (!/^[\w.-]+\/\*$/.test(pattern)) throw new Error(`unsupported workspace pattern: ${pattern}`);
    const parent = pattern.slice(0, -2);
    for (const entry of readdirSync(join(installRoot, parent), { withFileTypes: true })) {
      const manifest = join(installRoot, parent, entry.name, 'package.json');
      if (entry.isDirectory() && existsSync(manifest)) {
        folders.set(readJson(manifest).name, `${parent}/${entry.name}`);
      }
    }
  }
  return folders;
}

/** The service and every workspace reachable through `dependencies` (never devDependencies). */
function runtimeWorkspaces(installRoot, folders, serviceDir) {
  const byFolder = new Map([...folders].map(([name, folder]) => [folder, name]));
  const start = byFolder.get(serviceDir);
  if (!start) throw new Error(`${serviceDir} is not a workspace of ${installRoot}`);
  const needed = new Set([start]);
  const pending = [start];
  while (pending.length > 0) {
    const manifest = readJson(join(installRoot, folders.get(pending.pop()), 'package.json'));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (folders.has(dependency) && !needed.has(dependency)) {
        needed.add(dependency);
        pending.push(dependency);
      }
    }
  }
  return [...needed].sort();
}

function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Every bare import of the bundled JavaScript must find its package in the bundle's node_modules. */
function unresolvedImports(outputDir, workspaceFolderList) {
  const problems = [];
  for (const folder of workspaceFolderList) {
    for (const file of filesUnder(join(outputDir, folder, 'dist')).filter((f) => /\.[cm]?js$/.test(f))) {
      const source = readFileSync(file, 'utf8');
      const specifiers = [...source.matchAll(STATIC_IMPORT), ...source.matchAll(LITERAL_DYNAMIC_IMPORT)].map(
        (match) => match[1],
      );
      for (const specifier of new Set(specifiers)) {
        if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/')) continue;
        const name = packageNameOf(specifier);
        if (builtinModules.includes(name)) continue;
        const found = [
          join(outputDir, folder, 'node_modules', name),
          join(outputDir, 'node_modules', name),
        ].some((dir) => existsSync(join(dir, 'package.json')));
        if (!found) problems.push(`${relative(outputDir, file)} imports '${name}', which is not installed`);
      }
    }
  }
  return problems;
}

function bundle({ serviceDir, installRoot, buildRoot, outputDir }) {
  const folders = workspaceFolders(installRoot);
  const needed = runtimeWorkspaces(installRoot, folders, serviceDir);
  const modules = join(installRoot, 'node_modules');
  const workspaceLinks = new Set([...folders.keys()].map((name) => join(modules, name)));
  const keepLink = (source) =>
    !workspaceLinks.has(source) || needed.includes(relative(modules, source).split(sep).join('/'));

  mkdirSync(outputDir, { recursive: true });
  // Links to workspaces the service does not need at run time would dangle in the image: drop them.
  cpSync(modules, join(outputDir, 'node_modules'), {
    recursive: true,
    verbatimSymlinks: true,
    filter: keepLink,
  });

  for (const name of needed) {
    const folder = folders.get(name);
    const dist = join(buildRoot, folder, 'dist');
    if (!existsSync(dist)) throw new Error(`${name}: ${dist} is missing; run the build first`);
    mkdirSync(join(outputDir, folder), { recursive: true });
    cpSync(join(installRoot, folder, 'package.json'), join(outputDir, folder, 'package.json'));
    cpSync(dist, join(outputDir, folder, 'dist'), {
      recursive: true,
      filter: (source) => !DECLARATION_FILE.test(basename(source)),
    });
    // Versions that could not be hoisted (e.g. the gateway's own lru-cache) live next to their workspace.
    const nested = join(installRoot, folder, 'node_modules');
    if (existsSync(nested)) {
      cpSync(nested, join(outputDir, folder, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    }
  }

  const problems = unresolvedImports(
    outputDir,
    needed.map((name) => folders.get(name)),
  );
  if (problems.length > 0) {
    throw new Error(
      `${serviceDir}: the image would fail at start; declare these in the importing workspace's dependencies:\n  ${problems.join('\n  ')}`,
    );
  }
  return { service: serviceDir, workspaces: needed };
}

function main(args) {
  if (args[0] === '--list' && args.length === 3) {
    const folders = workspaceFolders(args[2]);
    return { service: args[1], workspaces: runtimeWorkspaces(args[2], folders, args[1]) };
  }
  if (args.length === 4) {
    const [serviceDir, installRoot, buildRoot, outputDir] = args;
    return bundle({ serviceDir, installRoot, buildRoot, outputDir });
  }
  process.stderr.write(
    'usage: node bundle.mjs <service dir> <install root> <build root> <output dir>\n' +
      '       node bundle.mjs --list <service dir> <install root>\n',
  );
  process.exit(2);
}

try {
  process.stdout.write(`${JSON.stringify(main(process.argv.slice(2)))}\n`);
} catch (error) {
  process.stderr.write(`bundle: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
