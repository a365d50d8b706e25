// The REAL key-service, as a child process (services/key-service/dist/main.js) on a port of its own,
// against the suite's database and Redis prefix. Built first when its sources are newer than dist.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from '@platen/testing';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
const KEY_SERVICE_DIR = path.join(REPO_ROOT, 'services/key-service');
const MAIN = path.join(KEY_SERVICE_DIR, 'dist/main.js');

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

/** The key-service and every @platen package it depends on, directly or not. */
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
  visit(KEY_SERVICE_DIR);
  return [...seen].map((dir) => path.join(dir, 'src'));
}

/** Builds the key-service (and its packages) with the repository's own build when dist is stale. */
export async function ensureKeyServiceBuilt(): Promise<void> {
  const builtAt = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  if (builtAt > Math.max(...sourceDirs().map(newestSourceTime))) return;
  try {
    await promisify(execFile)(
      'npx',
      ['turbo', 'run', 'build', '--filter=@platen/key-service', '--output-logs=errors-only'],
      { cwd: REPO_ROOT, env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' }, timeout: 240_000 },
    );
  } catch (error) {
    // A half-edited sibling package must not stop these tests while a usable build exists.
    if (!existsSync(MAIN)) throw error;
    process.stderr.write(`key-service build failed; using the existing dist: ${String(error)}\n`);
  }
}

export interface KeyServiceEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  serviceSecret: string;
  keyPrefix: string;
}

export interface KeyServiceProcess {
  url: string;
  port: number;
  /** What the process printed, for failure messages. */
  output(): string;
  /** SIGKILL: the process dies mid-flight, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until it answers /healthz. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<true | undefined> {
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
  await response.body?.cancel();
  return response.ok ? true : undefined;
}

export async function startKeyService(env: KeyServiceEnv): Promise<KeyServiceProcess> {
  await ensureKeyServiceBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  async function launch(): Promise<void> {
    const started = spawn(process.execPath, [MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: env.databaseUrl,
        REDIS_URL: env.redisUrl,
        REDIS_PREFIX: env.redisPrefix,
        SERVICE_JWT_SECRET: env.serviceSecret,
        KEY_PREFIX: env.keyPrefix,
        KEY_SERVICE_HOST: '127.0.0.1',
        KEY_SERVICE_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(
        () => {
          if (started.exitCode !== null) throw new Error(`key-service exited with ${started.exitCode}`);
          return healthy(url);
        },
        { timeoutMs: 60_000, intervalMs: 100, what: 'key-service /healthz' },
      );
    } catch (error) {
      started.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n--- key-service output ---\n${output}`);
    }
  }

  function exit(signal: NodeJS.Signals): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      running.once('exit', () => resolve());
      running.kill(signal);
    });
  }

  await launch();
  return {
    url,
    port,
    output: () => output,
    kill: () => exit('SIGKILL'),
    restart: launch,
    stop: () => exit('SIGTERM'),
  };
}
