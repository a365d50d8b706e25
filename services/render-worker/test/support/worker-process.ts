// The built render worker (services/render-worker/dist/main.js) as a child process, for the tests
// that kill it. Built first when its sources, or those of any @platen package it uses, are newer.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureWorkspaceBuilt, REPO_ROOT, waitFor } from '@platen/testing';

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

/** Builds the worker (and its packages) when its dist is stale. */
export async function ensureWorkerBuilt(): Promise<void> {
  await ensureWorkspaceBuilt({ workspace: 'services/render-worker', timeoutMs: 300_000 });
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
