// The built render worker (services/render-worker/dist/main.js) as a child process, for the tests
// that kill it. Built first when its sources, or those of any @platen package it uses, are newer.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '@platen/testing';
import { REPO_ROOT } from './key-service.js';

const WORKER_DIR = path.join(REPO_ROOT, 'services/render-worker');
const MAIN = path.join(WORKER_DIR, 'dist/main.js');

/** Why the worker cannot be built here, or undefined when it can. */
export function buildBlocker(): string | undefined {
  const linked = [REPO_ROOT, WORKER_DIR].some((dir) =>
    existsSync(path.join(dir, 'node_modules/@platen/mockups/package.json')),
  );
  return linked
    ? undefined
    : 'node_modules/@platen/mockups does not exist yet (a new workspace): run `npm install` at the repository root';
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** The worker and every @platen package it depends on, directly or not. */
function sourceDirs(): string[] {
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
  visit(WORKER_DIR);
  return [...seen].map((dir) => path.join(dir, 'src'));
}

export function ensureWorkerBuilt(): void {
  const builtAt = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  if (builtAt > Math.max(...sourceDirs().map(newestSource))) return;
  execFileSync(
    'npx',
    ['turbo', 'run', 'build', '--filter=@platen/render-worker', '--output-logs=errors-only'],
    {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      timeout: 300_000,
    },
  );
}

export interface WorkerProcess {
  /** The metrics port it reported in its start log line. */
  metricsPort: number;
  output(): string;
  /** Sends the signal and resolves with the exit code (null when killed by the signal). */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd: REPO_ROOT,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'info', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  let metricsPort: number;
  try {
    metricsPort = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`render-worker exited with ${child.exitCode}`);
        const started = output
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { msg?: string; metrics_port?: number })
          .find((line) => line.msg === 'render-worker started');
        return started?.metrics_port;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'render-worker to start' },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- render-worker output ---\n${output}`);
  }
  return {
    metricsPort,
    output: () => output,
    stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
