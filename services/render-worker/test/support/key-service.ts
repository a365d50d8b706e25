// The REAL key-service (services/key-service/dist/main.js) as a child process against the suite's
// database and Redis prefix, plus the operator calls these tests need: an account, a charge (as the
// gateway makes it when it accepts a render), the balance and the ledger.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createServiceTokenSigner } from '@platen/http';
import { freePort, waitFor } from '@platen/testing';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
const MAIN = path.join(REPO_ROOT, 'services/key-service/dist/main.js');

export interface KeyServiceSettings {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  serviceSecret: string;
}

export interface LedgerEntry {
  kind: 'grant' | 'charge' | 'refund';
  amount: number;
  render_id: string | null;
}

export interface KeyService {
  url: string;
  createAccount(credits: number): Promise<string>;
  charge(accountId: string, renderId: string, amount?: number): Promise<void>;
  balance(accountId: string): Promise<number>;
  ledger(accountId: string): Promise<LedgerEntry[]>;
  /** SIGKILL: unreachable from now on, until restart(). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the key-service (with its packages) only when there is no build at all: it is someone else's code. */
function ensureBuilt(): void {
  if (existsSync(MAIN)) return;
  execFileSync(
    'npx',
    ['turbo', 'run', 'build', '--filter=@platen/key-service', '--output-logs=errors-only'],
    {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      timeout: 240_000,
    },
  );
}

export async function startKeyService(settings: KeyServiceSettings): Promise<KeyService> {
  ensureBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const token = createServiceTokenSigner(settings.serviceSecret, 'render-worker-tests');
  let child: ChildProcess | undefined;
  let output = '';

  async function launch(): Promise<void> {
    const started = spawn(process.execPath, [MAIN], {
      cwd: REPO_ROOT,
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: settings.databaseUrl,
        REDIS_URL: settings.redisUrl,
        REDIS_PREFIX: settings.redisPrefix,
        SERVICE_JWT_SECRET: settings.serviceSecret,
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
        async () => {
          if (started.exitCode !== null) throw new Error(`key-service exited with ${started.exitCode}`);
          const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
          await response.body?.cancel();
          return response.ok ? true : undefined;
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

  async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${url}/internal/v1${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const payload = (await response.json()) as { success: boolean; data: T };
    if (!response.ok || !payload.success) {
      throw new Error(`${method} ${route} answered ${response.status}: ${JSON.stringify(payload)}`);
    }
    return payload.data;
  }

  let accounts = 0;
  await launch();
  return {
    url,
    async createAccount(credits) {
      const email = `worker-test-${process.pid}-${Date.now()}-${++accounts}@example.com`;
      return (await call<{ id: string }>('POST', '/accounts', { email, credits })).id;
    },
    async charge(accountId, renderId, amount = 1) {
      await call('POST', `/accounts/${accountId}/credits/charge`, { render_id: renderId, amount });
    },
    async balance(accountId) {
      return (await call<{ balance: number }>('GET', `/accounts/${accountId}/credits`)).balance;
    },
    ledger: (accountId) => call<LedgerEntry[]>('GET', `/accounts/${accountId}/ledger?limit=100`),
    kill: () => exit('SIGKILL'),
    restart: launch,
    stop: () => exit('SIGTERM'),
  };
}
