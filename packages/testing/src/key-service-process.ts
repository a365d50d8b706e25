// The REAL key-service as a child process (services/key-service/dist/main.js, rebuilt when stale) on a
// port of its own, against a suite's database and Redis prefix: for gateway and worker tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';
import { ensureWorkspaceBuilt, REPO_ROOT } from './workspace-build.js';

export interface KeyServiceEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  serviceSecret: string;
  /** KEY_PREFIX; the service's default (sm_) when omitted. */
  keyPrefix?: string;
  /**
   * SIGNUP_CREDITS; 0 when omitted, not the service's default: suites grant the credits a test needs,
   * so "no credits" paths (402) stay reachable right after a sign-up.
   */
  signupCredits?: number;
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

export async function startKeyServiceProcess(env: KeyServiceEnv): Promise<KeyServiceProcess> {
  const main = await ensureWorkspaceBuilt({
    workspace: 'services/key-service',
    tolerateFailureWhenBuilt: true,
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  async function launch(): Promise<void> {
    const started = spawn(process.execPath, [main], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: env.databaseUrl,
        REDIS_URL: env.redisUrl,
        REDIS_PREFIX: env.redisPrefix,
        SERVICE_JWT_SECRET: env.serviceSecret,
        ...(env.keyPrefix ? { KEY_PREFIX: env.keyPrefix } : {}),
        SIGNUP_CREDITS: String(env.signupCredits ?? 0),
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
