// Tests that spawn a built service (dist/main.js) rebuild it with the repository's own build when any
// of its sources, or those of an @platen package it uses, is newer than its dist.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** The workspace and every @platen package it depends on, directly or not. */
function sourceDirs(workspaceDir: string): string[] {
  const seen = new Set<string>();
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (name.startsWith('@platen/')) visit(path.join(REPO_ROOT, 'packages', name.slice('@platen/'.length)));
    }
  };
  visit(workspaceDir);
  return [...seen].map((dir) => path.join(dir, 'src'));
}

export interface WorkspaceBuildOptions {
  /** e.g. `services/key-service` */
  workspace: string;
  timeoutMs?: number;
  /** Keep using an existing dist when the build fails (a half-edited sibling package). */
  tolerateFailureWhenBuilt?: boolean;
}

/** Builds the workspace (with turbo, so its packages too) when its dist/main.js is stale; returns that path. */
export async function ensureWorkspaceBuilt({
  workspace,
  timeoutMs = 240_000,
  tolerateFailureWhenBuilt = false,
}: WorkspaceBuildOptions): Promise<string> {
  const workspaceDir = path.join(REPO_ROOT, workspace);
  const main = path.join(workspaceDir, 'dist/main.js');
  const builtAt = existsSync(main) ? statSync(main).mtimeMs : 0;
  if (builtAt > Math.max(...sourceDirs(workspaceDir).map(newestSourceTime))) return main;
  const name = (JSON.parse(readFileSync(path.join(workspaceDir, 'package.json'), 'utf8')) as { name: string })
    .name;
  try {
    await promisify(execFile)(
      'npx',
      ['turbo', 'run', 'build', `--filter=${name}`, '--output-logs=errors-only'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
        timeout: timeoutMs,
      },
    );
  } catch (error) {
    if (!tolerateFailureWhenBuilt || !existsSync(main)) throw error;
    process.stderr.write(`${name} build failed; using the existing dist: ${String(error)}\n`);
  }
  return main;
}
