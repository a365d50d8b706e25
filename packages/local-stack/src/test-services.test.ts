import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { ensureWorkspaceBuilt, REPO_ROOT, waitFor } from '@platen/testing';
import pg from 'pg';
import { REDIS_NOT_FOUND } from './embedded-redis.js';
import { freePorts } from './free-port.js';
import { redisServerPid } from './redis-probe.js';
import { answersOn, openTestServices } from './test-services.js';

jest.setTimeout(120_000);

const portOf = (url: string) => Number(new URL(url).port);

/** Ports nothing listens on, standing in for 5432 and 6379 on a machine without Postgres and Redis. */
async function silentPorts() {
  const [postgres, redis] = await freePorts(2);
  return { postgres: postgres!, redis: redis! };
}

/** Something answering on a port, standing in for a system Postgres or Redis. */
function listener(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, server });
    });
  });
}

/**
 * openTestServices from the built package in a child process, as jest's globalSetup runs it: the
 * embedded Postgres binaries are an ES module jest's CommonJS runtime cannot load.
 */
async function openInBuiltLocalStack(defaultPorts: { postgres: number; redis: number }) {
  await ensureWorkspaceBuilt({ workspace: 'packages/local-stack', tolerateFailureWhenBuilt: true });
  const driver = `
    import { openTestServices } from '@platen/local-stack';
    const lines = [];
    const services = await openTestServices({ env: {}, defaultPorts: ${JSON.stringify(defaultPorts)}, log: (line) => lines.push(line) });
    process.stdout.write(JSON.stringify({ env: services.env, lines }) + '\\n');
    process.stdin.resume();
    process.stdin.once('end', () => services.close().then(() => process.stdout.write('closed\\n')));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', driver], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  const firstLine = await waitFor(() => (out.includes('\n') ? out.slice(0, out.indexOf('\n')) : undefined), {
    timeoutMs: 90_000,
    what: 'the child to open the test services',
  });
  return {
    opened: JSON.parse(firstLine) as { env: Record<string, string>; lines: string[] },
    close: async () => {
      child.stdin.end();
      expect(await exited).toBe(0);
      expect(out).toContain('closed');
    },
  };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

describe("the test run's Postgres and Redis", () => {
  it('are started on free ports when the variables are unset and nothing answers, and stopped by close()', async () => {
    const defaultPorts = await silentPorts();
    const child = await openInBuiltLocalStack(defaultPorts);
    let closed = false;
    try {
      const { TEST_DATABASE_URL, TEST_REDIS_URL } = child.opened.env;
      expect(TEST_DATABASE_URL).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(TEST_REDIS_URL).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(portOf(TEST_DATABASE_URL!)).not.toBe(defaultPorts.postgres);
      expect(portOf(TEST_REDIS_URL!)).not.toBe(defaultPorts.redis);

      // A suite can do what packages/testing does: create a database of its own on the server.
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query('create database platen_t_probe');
        expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await client.end();
      }
      expect(await redisServerPid(portOf(TEST_REDIS_URL!))).toBeDefined();

      const dataDir = /data in (\S+)\/postgres\)/.exec(child.opened.lines.join('\n'))?.[1];
      expect(dataDir).toBeDefined();
      await child.close();
      closed = true;
      expect(await answersOn(portOf(TEST_DATABASE_URL!))).toBe(false);
      expect(await answersOn(portOf(TEST_REDIS_URL!))).toBe(false);
      expect(existsSync(dataDir!)).toBe(false);
    } finally {
      if (!closed) await child.close();
    }
  });

  it('are not started when something answers on the default ports', async () => {
    const postgres = await listener();
    const redis = await listener();
    servers.push(postgres.server, redis.server);
    const lines: string[] = [];
    const services = await openTestServices({
      env: {},
      defaultPorts: { postgres: postgres.port, redis: redis.port },
      log: (line) => lines.push(line),
    });
    expect(services.env).toEqual({});
    expect(lines).toEqual([]);
    await services.close();
  });

  it('are not started when TEST_DATABASE_URL and TEST_REDIS_URL are set, even with nothing on the default ports', async () => {
    const services = await openTestServices({
      env: {
        TEST_DATABASE_URL: 'postgres://postgres@db.test:5432/postgres',
        TEST_REDIS_URL: 'redis://redis.test:6379',
      },
      defaultPorts: await silentPorts(),
      log: () => undefined,
    });
    expect(services.env).toEqual({});
  });

  it('start only Redis when only Postgres answers', async () => {
    const postgres = await listener();
    servers.push(postgres.server);
    const { redis } = await silentPorts();
    const services = await openTestServices({
      env: {},
      defaultPorts: { postgres: postgres.port, redis },
      log: () => undefined,
    });
    try {
      expect(Object.keys(services.env)).toEqual(['TEST_REDIS_URL']);
      expect(await redisServerPid(portOf(services.env.TEST_REDIS_URL!))).toBeDefined();
    } finally {
      await services.close();
    }
    expect(await answersOn(portOf(services.env.TEST_REDIS_URL!))).toBe(false);
  });

  it('fail with how to get redis-server when it is missing', async () => {
    const defaultPorts = await silentPorts();
    await expect(
      openTestServices({
        env: { REDIS_SERVER_BIN: '/nonexistent/redis-server' },
        defaultPorts,
        log: () => undefined,
      }),
    ).rejects.toThrow(REDIS_NOT_FOUND);
  });
});
