// The readiness step of `npm start` / `npm test` / `npm run platen` on a temporary checkout: what it
// decides (install, build, nothing) and what it prints. `npm` and `turbo` are stand-ins that record
// their arguments, so the decisions are observed without installing or building anything.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { installNeeded, staleWorkspaces } from './ready-state.mjs';

/* global __dirname -- jest runs this file as CommonJS */
const SCRIPT = resolve(__dirname, 'ensure-ready.mjs');
const HOUR_AGO = Date.now() / 1000 - 3600;

let root;
let calls;

function write(relative, text = '', mtimeSeconds = HOUR_AGO) {
  const file = join(root, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  utimesSync(file, mtimeSeconds, mtimeSeconds);
}

/** An executable that appends its name and arguments to `calls`, then runs `then` (shell). */
function recorder(file, name, then = '') {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${calls}"\n${then}\n`);
  chmodSync(file, 0o755);
}

/** A workspace with a build script, its source and (optionally) its dist, all an hour old. */
function workspace(dir, { built = true } = {}) {
  write(`${dir}/package.json`, JSON.stringify({ name: dir, scripts: { build: 'tsc' } }));
  write(`${dir}/src/index.ts`, 'export {};\n');
  if (built) write(`${dir}/dist/index.js`, 'export {};\n', HOUR_AGO + 60);
}

function installed() {
  write('package-lock.json', '{}');
  write('node_modules/.package-lock.json', '{}', HOUR_AGO + 60);
}

function ensureReady() {
  const bin = join(root, 'bin');
  const result = spawnSync(process.execPath, [SCRIPT], {
    cwd: root,
    env: { PATH: `${bin}:/usr/bin:/bin` },
    encoding: 'utf8',
    timeout: 20_000,
  });
  let recorded = '';
  try {
    recorded = readFileSync(calls, 'utf8');
  } catch {
    // Nothing was run.
  }
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    calls: recorded.trim().split('\n').filter(Boolean),
  };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'platen-ready-'));
  calls = join(root, 'calls.log');
  write('tsconfig.base.json', '{}');
  // turbo as an install puts it into node_modules/.bin.
  const turbo = join(root, 'installed/turbo');
  recorder(turbo, 'turbo', 'echo "turbo says hello"');
  mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
  copyFileSync(turbo, join(root, 'node_modules/.bin/turbo'));
  // npm ci: records itself, then leaves node_modules as a real install would.
  recorder(
    join(root, 'bin/npm'),
    'npm',
    `mkdir -p node_modules/.bin && echo '{}' > node_modules/.package-lock.json && cp "${turbo}" node_modules/.bin/turbo`,
  );
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('installNeeded', () => {
  it('answers true on a fresh clone (no node_modules)', () => {
    write('package-lock.json', '{}');
    rmSync(join(root, 'node_modules'), { recursive: true, force: true });
    expect(installNeeded(root)).toBe(true);
  });

  it('answers true when package-lock.json is newer than the last install', () => {
    installed();
    write('package-lock.json', '{"changed":true}', HOUR_AGO + 120);
    expect(installNeeded(root)).toBe(true);
  });

  it('answers false when the last install is newer than package-lock.json', () => {
    installed();
    expect(installNeeded(root)).toBe(false);
  });
});

describe('staleWorkspaces', () => {
  it('names a workspace without dist, one with a newer source, and not a fresh one', () => {
    workspace('packages/fresh');
    workspace('packages/unbuilt', { built: false });
    workspace('services/edited');
    write('services/edited/src/main.ts', 'export {};\n', HOUR_AGO + 120);
    expect(staleWorkspaces(root)).toEqual(['packages/unbuilt', 'services/edited']);
  });

  it('ignores a newer test file and a workspace without a build script', () => {
    workspace('packages/fresh');
    write('packages/fresh/src/index.test.ts', '', HOUR_AGO + 120);
    write('packages/no-build/package.json', JSON.stringify({ name: 'no-build' }));
    expect(staleWorkspaces(root)).toEqual([]);
  });

  it('treats a newer tsconfig.base.json as changing every workspace', () => {
    workspace('packages/a');
    workspace('packages/b');
    write('tsconfig.base.json', '{"changed":true}', HOUR_AGO + 120);
    expect(staleWorkspaces(root)).toEqual(['packages/a', 'packages/b']);
  });
});

describe('scripts/ensure-ready.mjs', () => {
  it('on a fresh clone runs npm ci, then the build, with progress on stderr and nothing on stdout', () => {
    workspace('packages/a', { built: false });
    write('package-lock.json', '{}');
    rmSync(join(root, 'node_modules'), { recursive: true, force: true });
    const run = ensureReady();
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(['npm ci --no-audit --no-fund', 'turbo run build --output-logs=new-only']);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('platen: installing dependencies (no node_modules yet): npm ci');
    expect(run.stderr).toContain('platen: building every workspace');
    expect(run.stderr).toContain('turbo says hello');
  });

  it('builds without installing when only a source changed, naming the workspace', () => {
    installed();
    workspace('packages/a');
    write('packages/a/src/index.ts', 'export const changed = 1;\n', HOUR_AGO + 120);
    const run = ensureReady();
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(['turbo run build --output-logs=new-only']);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('platen: building (changed: packages/a)');
  });

  it('prints nothing at all and runs nothing when installed and built', () => {
    installed();
    workspace('packages/a');
    const run = ensureReady();
    expect(run).toEqual({ status: 0, stdout: '', stderr: '', calls: [] });
  });

  it('fails with the failing command named when the build fails', () => {
    installed();
    workspace('packages/a', { built: false });
    recorder(join(root, 'node_modules/.bin/turbo'), 'turbo', 'exit 3');
    const run = ensureReady();
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/platen: .*turbo run build --output-logs=new-only failed \(exit 3\)/);
  });
});
