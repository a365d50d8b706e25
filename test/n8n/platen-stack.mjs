// Platen as a user runs it: `npm start`'s launcher (embedded Postgres, a child redis-server) on a
// fresh DATA_DIR, with OUTBOUND_ALLOW=127.0.0.1 so that it may deliver webhooks to an n8n on this
// machine. Accounts and keys come from the operator CLI; a key with a low per-minute limit (to make
// the batch workflow meet a 429) from the key-service's internal API, which takes `rate_limits`.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { createServiceTokenSigner } from '@platen/http';
import { freePort } from './free-port.mjs';
import { poll } from './poll.mjs';
import { tailOf } from './processes.mjs';
const { fetch, AbortSignal } = globalThis;

const READY_MS = 180_000;
const CLI_MS = 90_000;

/** `dataDir`: an empty folder the caller removes afterwards. */
export async function startPlaten({ repoRoot, dataDir, processes }) {
  const launcherPath = join(repoRoot, 'packages', 'local-stack', 'dist', 'main.js');
  const cliPath = join(repoRoot, 'services', 'key-service', 'dist', 'cli.js');
  for (const path of [launcherPath, cliPath]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
  }
  // Enterable by others: as root, the embedded Postgres runs as `postgres`.
  chmodSync(dataDir, 0o755);
  const ports = {
    PORT: String(await freePort()),
    KEY_SERVICE_PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    EMBEDDED_REDIS_PORT: String(await freePort()),
    // The render-worker's metrics port (9464 by default) would collide with any other Platen here.
    METRICS_PORT: String(await freePort()),
  };
  const serviceSecret = randomBytes(32).toString('hex');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    SERVICE_JWT_SECRET: serviceSecret,
    OUTBOUND_ALLOW: '127.0.0.1',
    ...ports,
  };
  const launcher = processes.start(process.execPath, [launcherPath], {
    name: 'platen',
    cwd: repoRoot,
    env,
    // The launcher puts each service in its own group and stops them itself on SIGTERM.
    group: false,
  });
  const baseUrl = `http://127.0.0.1:${ports.PORT}`;
  const signServiceToken = createServiceTokenSigner(serviceSecret, 'n8n-test');

  async function ready() {
    await poll(
      async () => {
        if (launcher.hasExited())
          throw Object.assign(new Error(`Platen exited:\n${tailOf(launcher)}`), { fatal: true });
        const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.status === 200 ? true : undefined;
      },
      { timeoutMs: READY_MS, intervalMs: 250, what: 'Platen /readyz 200' },
    );
  }

  async function cli(...args) {
    const { stdout } = await processes.run(process.execPath, [cliPath, ...args], {
      name: `platen ${args.slice(0, 2).join(' ')}`,
      cwd: repoRoot,
      env,
      keepStdout: true,
      timeoutMs: CLI_MS,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1));
  }

  /** A key with `rate_limits` overrides: POST /internal/v1/accounts/{id}/keys with a service token. */
  async function createLimitedKey(accountId, name, rateLimits) {
    const response = await fetch(
      `http://127.0.0.1:${ports.KEY_SERVICE_PORT}/internal/v1/accounts/${accountId}/keys`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${await signServiceToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, rate_limits: rateLimits }),
        signal: AbortSignal.timeout(10_000),
      },
    );
    const body = await response.json();
    if (response.status !== 201)
      throw new Error(`key-service answered ${response.status}: ${JSON.stringify(body)}`);
    return body.data.key;
  }

  /** GET/POST on the public API with a key; returns { status, headers, body }. */
  async function api(key, path, init = {}) {
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: { 'X-API-KEY': key, 'content-type': 'application/json', ...init.headers },
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  }

  return { baseUrl, launcher, ready, cli, createLimitedKey, api };
}
