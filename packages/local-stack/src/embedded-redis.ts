// Redis for one machine: REDIS_URL if set; else the redis-server of DATA_DIR/redis if one runs (the
// CLI attaches to the one `npm start` runs); else, for `npm start`, a child redis-server with AOF.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { LocalStackConfig } from '@platen/config';
import { dataDirLayout, type DataDirLayout } from './data-dir.js';
import { freePort } from './free-port.js';
import { lastLogLine } from './log-tail.js';
import { attachedOnly, type AttachOptions, type OpenedService } from './opened-service.js';
import { pollUntil } from './poll-until.js';
import { redisServerPid } from './redis-probe.js';
import {
  hasExited,
  livePidFrom,
  processOfChild,
  processOfPid,
  stopInSteps,
  type RunningProcess,
  type StopStep,
} from './running-process.js';

export const REDIS_NOT_FOUND =
  'redis-server not found: install it (e.g. apt-get install redis-server) or set REDIS_URL';

type RedisConfig = Pick<
  LocalStackConfig,
  'REDIS_URL' | 'DATA_DIR' | 'EMBEDDED_REDIS_PORT' | 'REDIS_SERVER_BIN'
>;

export interface OpenRedisOptions extends AttachOptions {
  /** Start a redis-server when none runs (npm start); otherwise answer undefined (the CLI). */
  startIfAbsent: boolean;
}

const START_TIMEOUT_MS = 20_000;
const ATTACH_TIMEOUT_MS = 10_000;
const STOP_STEPS: readonly StopStep[] = [
  { signal: 'SIGTERM', waitMs: 10_000 },
  { signal: 'SIGKILL', waitMs: 5_000 },
];

const urlOf = (port: number) => `redis://127.0.0.1:${port}`;

function stoppedBy(target: RunningProcess, portFile: string): () => Promise<void> {
  return async () => {
    await stopInSteps(target, STOP_STEPS);
    rmSync(portFile, { force: true });
  };
}

function readPort(file: string): number | undefined {
  try {
    const port = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

async function attachToRunning(
  layout: DataDirLayout,
  log: (line: string) => void,
  options: AttachOptions,
): Promise<OpenedService | undefined> {
  const pid = livePidFrom(layout.redisPidFile, 'redis');
  const port = readPort(layout.redisPortFile);
  if (pid === undefined || port === undefined) return undefined;
  // It may still be loading its AOF (it answers -LOADING until done).
  const outcome = await pollUntil(async () => (await redisServerPid(port)) === pid, {
    timeoutMs: ATTACH_TIMEOUT_MS,
    intervalMs: 200,
  });
  if (outcome !== 'ready')
    throw new Error(
      `the redis-server of ${layout.redis} (pid ${pid}) does not answer on port ${port}: stop it, or set REDIS_URL`,
    );
  log(`attached to the running redis-server of ${layout.redis} (pid ${pid}, port ${port})`);
  if (!options.adoptRunning) return attachedOnly(urlOf(port));
  return { url: urlOf(port), close: stoppedBy(processOfPid(pid), layout.redisPortFile) };
}

function spawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
}

async function startRedis(
  config: RedisConfig,
  layout: DataDirLayout,
  log: (line: string) => void,
): Promise<OpenedService> {
  mkdirSync(layout.redis, { recursive: true });
  mkdirSync(layout.logs, { recursive: true });
  const port = config.EMBEDDED_REDIS_PORT || (await freePort());
  const logFd = openSync(layout.redisLog, 'a');
  let child: ChildProcess;
  try {
    // Own process group: a Ctrl-C in the terminal reaches only the launcher, which stops Redis last.
    child = spawn(
      config.REDIS_SERVER_BIN,
      [
        ...['--bind', '127.0.0.1', '--port', String(port), '--dir', layout.redis],
        ...['--appendonly', 'yes', '--save', '', '--daemonize', 'no', '--pidfile', layout.redisPidFile],
      ],
      { detached: true, stdio: ['ignore', logFd, logFd] },
    );
  } finally {
    closeSync(logFd);
  }
  try {
    await spawned(child);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(REDIS_NOT_FOUND);
    throw new Error(`cannot run ${config.REDIS_SERVER_BIN}: ${(error as Error).message}`);
  }
  const target = processOfChild(child);
  const outcome = await pollUntil(async () => (await redisServerPid(port)) === child.pid, {
    timeoutMs: START_TIMEOUT_MS,
    giveUp: () => hasExited(child),
  });
  if (outcome !== 'ready') {
    await stopInSteps(target, STOP_STEPS);
    // Without its 'pid:M date time # ' prefix.
    const why = lastLogLine(layout.redisLog, / # /).replace(/^.*? # /, '') || 'no output';
    throw new Error(
      `redis-server did not start on 127.0.0.1:${port} (${outcome === 'timeout' ? 'timed out' : 'it exited'}): ${why} (log: ${layout.redisLog})`,
    );
  }
  writeFileSync(layout.redisPortFile, `${port}\n`);
  log(`started redis-server on 127.0.0.1:${port} (AOF in ${layout.redis})`);
  return { url: urlOf(port), close: stoppedBy(target, layout.redisPortFile) };
}

/** Undefined when REDIS_URL is unset, no redis-server of this DATA_DIR runs and `startIfAbsent` is false. */
export async function openRedis(
  config: RedisConfig,
  log: (line: string) => void,
  options: OpenRedisOptions = { startIfAbsent: false },
): Promise<OpenedService | undefined> {
  if (config.REDIS_URL) return attachedOnly(config.REDIS_URL);
  const layout = dataDirLayout(config.DATA_DIR);
  const running = await attachToRunning(layout, log, options);
  if (running) return running;
  return options.startIfAbsent ? startRedis(config, layout, log) : undefined;
}
