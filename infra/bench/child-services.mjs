// What the benchmarks that run Platen's services share: each service a child process on 127.0.0.1
// (its recent output kept for error messages), health polling, free ports, and a database made and
// dropped on the benchmark's Postgres server, and the run's Redis keys removed.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { URL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

const { fetch, AbortSignal } = globalThis;
const OUTPUT_KEPT = 20_000;

/** Starts and stops the children of one benchmark run; `stopAll` ends whatever is still running. */
export function createServiceProcesses({ cwd, stopGraceMs = 30_000 }) {
  const running = [];

  function start(name, args, env) {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-OUTPUT_KEPT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const proc = { child, name, output: () => output };
    running.push(proc);
    return proc;
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async function stop(proc) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    await new Promise((resolve) => {
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), stopGraceMs);
      proc.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.child.kill('SIGTERM');
    });
  }

  const stopAll = () => Promise.all(running.map((proc) => stop(proc).catch(() => undefined)));

  return { start, stop, stopAll };
}

/** Polls `url` until it answers 2xx; throws if the process exits, the time is up or `signal` aborts. */
export async function waitHealthy(proc, url, timeoutMs, signal) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited:\n${proc.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${proc.name} not healthy after ${timeoutMs} ms:\n${proc.output()}`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** The URL of database `name` on the server `serverUrl` points at. */
export function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement (create/drop database) on the server's maintenance database. */
export async function onPostgresServer(serverUrl, sql) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Removes what a run left in the shared Redis (every key under its prefix) and its database. */
export async function removeRunData({ redisUrl, redisPrefix, pgServer, dbName, log }) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  await onPostgresServer(pgServer, `drop database if exists ${dbName} with (force)`).catch((error) =>
    log(`drop database: ${error.message}`),
  );
}
