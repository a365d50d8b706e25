// The Platen community node as n8n installs one: `npm pack` of packages/n8n-nodes-platen (its built
// dist), then `npm install` of that tarball into <n8n user folder>/.n8n/nodes, the folder n8n's
// Community Nodes page installs into and loads `n8n-nodes-*` packages from at start. The tarball has no
// dependencies (n8n provides n8n-workflow), so nothing is fetched from the registry.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const NPM_MS = 120_000;

/** The environment of a child npm: ours minus the npm_* variables a parent `npm run` sets. */
function npmEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

export async function installPlatenNode({ repoRoot, userFolder, packDir, processes }) {
  const packageDir = join(repoRoot, 'packages', 'n8n-nodes-platen');
  if (!existsSync(join(packageDir, 'dist', 'nodes', 'Platen', 'Platen.node.js'))) {
    throw new Error(`${packageDir}/dist is missing: run npm run build first`);
  }
  const { stdout } = await processes.run(
    'npm',
    ['pack', '--pack-destination', packDir, '--json', '--loglevel=error'],
    {
      name: 'npm pack n8n-nodes-platen',
      cwd: packageDir,
      env: npmEnv(),
      keepStdout: true,
      timeoutMs: NPM_MS,
    },
  );
  const [{ filename, files }] = JSON.parse(stdout);
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  mkdirSync(nodesDir, { recursive: true });
  writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
  await processes.run(
    'npm',
    ['install', join(packDir, filename), '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    { name: 'npm install n8n-nodes-platen', cwd: nodesDir, env: npmEnv(), timeoutMs: NPM_MS },
  );
  return { tarball: filename, files: files.map((file) => file.path) };
}

/** `n8n import:credentials` input for the Platen API credential the node workflows reference. */
export function writePlatenCredentialFile(path, { id, name }, { apiKey, baseUrl }) {
  writeFileSync(path, JSON.stringify([{ id, name, type: 'platenApi', data: { apiKey, baseUrl } }]));
}
