// One built Platen service (services/<name>/dist/main.js) as a child process the fault tests can
// start, SIGTERM, SIGKILL and start again with the same environment (so on the same port). Its
// recent output is kept for failure messages.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, waitFor } from '@platen/testing';

const OUTPUT_KEPT = 40_000;
/** SIGTERM gets this long before SIGKILL (the worker's own shutdown deadline is 28 s). */
const STOP_GRACE_MS = 35_000;

export interface ServiceProcessOptions {
  /** Shown in messages, e.g. `render-worker 2`. */
  name: string;
  /** e.g. `services/gateway` */
  workspace: string;
  env: Record<string, string>;
  /** Answers 200 once the service is ready. */
  readyUrl: string;
  readyTimeoutMs?: number;
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number | undefined;
  running(): boolean;
  output(): string;
  /** Spawns it and waits until readyUrl answers 200. */
  start(): Promise<void>;
  /** SIGTERM (SIGKILL after a grace period); resolves with the exit code, null when killed. */
  stop(): Promise<number | null>;
  /** SIGKILL: dies mid-flight, as in a crash. */
  kill(): Promise<void>;
}

export async function answersOk(url: string): Promise<true | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200 ? true : undefined;
  } catch {
    return undefined;
  }
}

export function createServiceProcess(options: ServiceProcessOptions): ServiceProcess {
  const main = path.join(REPO_ROOT, options.workspace, 'dist/main.js');
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let output = '';
  const isRunning = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  function spawnChild(): void {
    const started = spawn(process.execPath, [main], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    started.stdout.on('data', keep);
    started.stderr.on('data', keep);
    exited = new Promise((resolve) => started.once('exit', (code) => resolve(code)));
    child = started;
  }

  function signal(name: NodeJS.Signals): Promise<number | null> {
    if (!isRunning()) return exited;
    child!.kill(name);
    return exited;
  }

  return {
    name: options.name,
    get pid() {
      return isRunning() ? child!.pid : undefined;
    },
    running: isRunning,
    output: () => output,
    async start() {
      if (isRunning()) throw new Error(`${options.name} is already running`);
      spawnChild();
      const started = child!;
      try {
        await waitFor(
          () => {
            if (started.exitCode !== null) throw new Error(`${options.name} exited with ${started.exitCode}`);
            return answersOk(options.readyUrl);
          },
          { timeoutMs: options.readyTimeoutMs ?? 120_000, intervalMs: 150, what: `${options.name} ready` },
        );
      } catch (error) {
        started.kill('SIGKILL');
        throw new Error(`${(error as Error).message}\n--- ${options.name} output ---\n${output}`);
      }
    },
    async stop() {
      if (!isRunning()) return exited;
      const timer = setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS);
      try {
        return await signal('SIGTERM');
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      await signal('SIGKILL');
    },
  };
}
