// `npm start` end to end: the real launcher process with embedded Postgres and a child redis-server
// (DATABASE_URL and REDIS_URL unset), on a fresh DATA_DIR, then again on the same one beside a second
// npm start. Only PORT is named (and the database ports, so the CLI test can check them): the internal
// listeners take their defaults. Needs the build (`npm run build`; `npm test` builds first). Times to
// ready are logged, never asserted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localStackConfigSchema, parseEnv } from '@platen/config';
import { openPostgres, openRedis } from '@platen/local-stack';
import { freePort, waitFor } from '@platen/testing';

const REPO_ROOT = resolve(__dirname, '..', '..');
const LAUNCHER = join(REPO_ROOT, 'packages', 'local-stack', 'dist', 'main.js');
const CLI = join(REPO_ROOT, 'services', 'key-service', 'dist', 'cli.js');
const COLD_START_MS = 120_000;
const STOP_MS = 60_000;
const REDIS_NOT_FOUND =
  'redis-server not found: install it (e.g. apt-get install redis-server) or set REDIS_URL';

interface Launch {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Under /tmp and enterable by others: run as root, the embedded Postgres runs as `postgres`. */
function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'platen-e2e-start-'));
  chmodSync(dir, 0o755);
  return dir;
}

function launch(env: Record<string, string>): Launch {
  const child = spawn(process.execPath, [LAUNCHER], {
    cwd: REPO_ROOT,
    // A clean environment: no DATABASE_URL, REDIS_URL or SERVICE_JWT_SECRET from the caller.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function readyzStatus(port: number): Promise<number | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return undefined;
  }
}

/** Local addresses of the TCP sockets listening on `port` (IPv4 and IPv6), e.g. ['127.0.0.1']. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (existsSync(table) ? readFileSync(table, 'utf8') : '').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local?.endsWith(`:${hexPort}`)) continue;
      const hex = local.slice(0, local.indexOf(':'));
      if (hex.length === 8)
        found.push(
          (hex.match(/../g) ?? [])
            .reverse()
            .map((byte) => parseInt(byte, 16))
            .join('.'),
        );
      else found.push(hex === '0'.repeat(32) ? '::' : hex === '0'.repeat(24) + '01000000' ? '::1' : hex);
    }
  }
  return found;
}

/** The port of the printed line `<service>  http://127.0.0.1:<port>…`. */
function printedPort(stdout: string, service: string): number {
  const match = new RegExp(`platen \\| ${service} +http://127\\.0\\.0\\.1:(\\d+)`).exec(stdout);
  if (!match) throw new Error(`no ${service} URL printed in:\n${stdout}`);
  return Number(match[1]);
}

async function timeToReady(started: Launch, port: number): Promise<number> {
  const t0 = performance.now();
  await waitFor(
    () => {
      if (started.child.exitCode !== null) throw new Error(`launcher exited: ${started.stderr()}`);
      return readyzStatus(port).then((status) => (status === 200 ? true : undefined));
    },
    { timeoutMs: COLD_START_MS, intervalMs: 100, what: `/readyz 200 on port ${port}` },
  );
  return performance.now() - t0;
}

function procEntries(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
function isRunning(pid: number): boolean {
  const stat = readProc(pid, 'stat');
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Every process below `root` (services, redis-server, Postgres and its backends). */
function descendantsOf(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const pid of procEntries()) {
    const stat = readProc(pid, 'stat');
    if (stat) parentOf.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length) {
    const next = [...parentOf].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

function processesMentioning(text: string): string[] {
  return procEntries()
    .map((pid) => readProc(pid, 'cmdline')?.replaceAll('\0', ' ') ?? '')
    .filter((cmdline) => cmdline.includes(text));
}

async function stopWithSigterm(started: Launch): Promise<void> {
  const tree = descendantsOf(started.child.pid!);
  expect(tree.length).toBeGreaterThanOrEqual(4); // key-service, gateway, redis-server, postgres
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), STOP_MS);
  const { code, signal } = await started.exit;
  clearTimeout(timer);
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(tree.filter(isRunning)).toEqual([]);
}

describe('npm start', () => {
  let dataDir: string;
  let ports: Record<string, string>;
  const launched: Launch[] = [];
  const dataDirs: string[] = [];
  const times: Record<string, number> = {};

  beforeAll(async () => {
    if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run npm run build first`);
    dataDir = newDataDir();
    dataDirs.push(dataDir);
    ports = {
      PORT: String(await freePort()),
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      EMBEDDED_REDIS_PORT: String(await freePort()),
    };
  });

  afterAll(() => {
    for (const { child } of launched) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      // A failed test left it running: take the whole tree down rather than leak it.
      for (const pid of [...descendantsOf(child.pid!), child.pid!]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone.
        }
      }
    }
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    for (const [which, ms] of Object.entries(times))
      console.log(`npm start time to ready, ${which} DATA_DIR: ${(ms / 1000).toFixed(1)} s`);
  });

  const start = () => {
    const started = launch({ DATA_DIR: dataDir, ...ports });
    launched.push(started);
    return started;
  };

  describe('on a cold DATA_DIR', () => {
    let started: Launch;

    it(
      'initialises Postgres and Redis under DATA_DIR, migrates and answers /readyz 200',
      async () => {
        started = start();
        times.cold = await timeToReady(started, Number(ports.PORT));
        expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
        expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
        await waitFor(() => (started.stdout().includes('Platen is ready') ? true : undefined));
        expect(started.stdout()).toContain(
          `Platen is ready: http://localhost:${ports.PORT}  (dashboard /dashboard, API /api/v1, docs /docs)`,
        );
        expect(started.stdout()).toContain('applied migrations: keys/');
      },
      COLD_START_MS + 10_000,
    );

    it('tells the operator how to create the first account and key', () => {
      expect(started.stdout()).toContain(
        'npm run platen -- account create --account you@example.com --credits 100',
      );
      expect(started.stdout()).toContain(
        'npm run platen -- key create --account you@example.com --name first-key',
      );
    });

    it('lets the CLI attach to the running Postgres and Redis instead of starting second ones', async () => {
      const config = parseEnv(localStackConfigSchema, { DATA_DIR: dataDir });
      const postgres = await openPostgres(config, () => undefined);
      const redis = await openRedis(config, () => undefined);
      expect(postgres.url).toBe(`postgres://postgres@127.0.0.1:${ports.EMBEDDED_POSTGRES_PORT}/platen`);
      expect(redis?.url).toBe(`redis://127.0.0.1:${ports.EMBEDDED_REDIS_PORT}`);
      await postgres.close();
      await redis?.close();
      expect(await readyzStatus(Number(ports.PORT))).toBe(200);
    }, 30_000);

    it('renders a built-in mockup end to end with a key made by the CLI, and serves the result signed', async () => {
      const cli = (...args: string[]) => {
        const run = spawnSync(process.execPath, [CLI, ...args], {
          env: { ...process.env, DATA_DIR: dataDir, ...ports },
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(run.status).toBe(0);
        return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      };
      cli('account', 'create', '--email', 'e2e@example.com', '--credits', '5');
      const { key } = cli('key', 'create', '--account', 'e2e@example.com', '--name', 'e2e') as {
        key: string;
      };
      const base = `http://127.0.0.1:${ports.PORT}`;

      const mockups = (await (
        await fetch(`${base}/api/v1/mockups`, { headers: { 'X-API-KEY': key } })
      ).json()) as {
        data: Array<{ uuid: string; slug: string; smart_objects: Array<{ uuid: string }> }>;
      };
      const poster = mockups.data.find((mockup) => mockup.slug === 'poster-on-wall')!;
      const pixel =
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
      const response = await fetch(`${base}/api/v1/renders?wait=30`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          mockup_uuid: poster.uuid,
          smart_objects: [{ uuid: poster.smart_objects[0]!.uuid, asset: { data: pixel } }],
          export_options: { format: 'jpeg', size: 400 },
        }),
      });
      const render = (await response.json()) as {
        data: { status: string; result: { url: string; width: number } };
      };
      expect(response.status).toBe(200);
      expect(render.data.status).toBe('succeeded');
      expect(render.data.result.width).toBe(400);
      // npm start points signed URLs at its own port.
      expect(render.data.result.url.startsWith(`http://localhost:${ports.PORT}/files/`)).toBe(true);
      const image = await fetch(render.data.result.url.replace('localhost', '127.0.0.1'));
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
    }, 90_000);

    it(
      'stops every process on SIGTERM and exits 0',
      async () => {
        await stopWithSigterm(started);
        expect(processesMentioning(dataDir)).toEqual([]);
        expect(existsSync(join(dataDir, 'local-stack.pid'))).toBe(false);
        expect(await readyzStatus(Number(ports.PORT))).toBeUndefined();
      },
      STOP_MS + 10_000,
    );
  });

  describe('on a warm DATA_DIR', () => {
    let started: Launch;

    it(
      'starts again on the same data and answers /readyz 200',
      async () => {
        started = start();
        times.warm = await timeToReady(started, Number(ports.PORT));
        expect(started.stdout()).not.toContain('first start');
        expect(started.stdout()).not.toContain('applied migrations');
      },
      COLD_START_MS + 10_000,
    );

    it(
      'runs a second npm start beside it (other PORT and DATA_DIR, nothing else named) on other ports, all on 127.0.0.1',
      async () => {
        const otherDir = newDataDir();
        dataDirs.push(otherDir);
        const otherPort = await freePort();
        const other = launch({ DATA_DIR: otherDir, PORT: String(otherPort) });
        launched.push(other);
        await timeToReady(other, otherPort);
        await waitFor(() => (other.stdout().includes('render-worker  http') ? true : undefined));

        const listeners = [started, other].map((stack, index) => ({
          gateway: index === 0 ? Number(ports.PORT) : otherPort,
          keyService: printedPort(stack.stdout(), 'key-service'),
          workerMetrics: printedPort(stack.stdout(), 'render-worker'),
        }));
        const all = listeners.flatMap(({ gateway, keyService, workerMetrics }) => [
          gateway,
          keyService,
          workerMetrics,
        ]);
        expect(new Set(all).size).toBe(6);
        // Each worker's metrics answer on the printed URL (a worker may still be starting).
        for (const { workerMetrics } of listeners) {
          const text = await waitFor(
            async () => {
              const response = await fetch(`http://127.0.0.1:${workerMetrics}/metrics`).catch(
                () => undefined,
              );
              return response?.status === 200 ? response.text() : undefined;
            },
            { timeoutMs: 60_000, intervalMs: 200, what: `worker metrics on port ${workerMetrics}` },
          );
          expect(text).toMatch(/^# TYPE /m);
        }
        for (const port of all) expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
        expect(await readyzStatus(Number(ports.PORT))).toBe(200);
        await stopWithSigterm(other);
        expect(processesMentioning(otherDir)).toEqual([]);
      },
      COLD_START_MS + STOP_MS,
    );

    it('serves /metrics on the public port only with the bearer token kept in DATA_DIR/metrics.token', async () => {
      expect(started.stdout()).toContain(
        `/metrics     http://localhost:${ports.PORT}/metrics  (Authorization: Bearer <${join(dataDir, 'metrics.token')}>)`,
      );
      const url = `http://127.0.0.1:${ports.PORT}/metrics`;
      const refused = await fetch(url);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
      const token = readFileSync(join(dataDir, 'metrics.token'), 'utf8').trim();
      const allowed = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toMatch(/^# TYPE http_requests_total counter$/m);
    });

    it('refuses a second npm start on the same DATA_DIR', async () => {
      const second = launch({ DATA_DIR: dataDir, ...ports });
      launched.push(second);
      const { code } = await second.exit;
      expect(code).toBe(1);
      expect(second.stderr()).toContain('Platen is already running from this DATA_DIR');
      expect(await readyzStatus(Number(ports.PORT))).toBe(200);
    }, 30_000);

    it(
      'stops every process on SIGTERM and exits 0',
      async () => {
        await stopWithSigterm(started);
        expect(processesMentioning(dataDir)).toEqual([]);
      },
      STOP_MS + 10_000,
    );
  });

  it('exits non-zero with one line naming how to get redis-server when it is not installed', async () => {
    const otherDir = newDataDir();
    dataDirs.push(otherDir);
    const started = launch({ DATA_DIR: otherDir, ...ports, REDIS_SERVER_BIN: '/nonexistent/redis-server' });
    launched.push(started);
    const { code } = await started.exit;
    expect(code).not.toBe(0);
    expect(started.stderr()).toBe(`platen: ${REDIS_NOT_FOUND}\n`);
    expect(processesMentioning(otherDir)).toEqual([]);
  }, 30_000);
});
