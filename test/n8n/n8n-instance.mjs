// One n8n as a self-hoster runs it, driven through its own CLI: import credentials and workflows,
// activate, `execute` the manual workflows, `start` the server for webhooks. It listens on 127.0.0.1
// only and makes no outbound calls (no telemetry, version checks, templates or community packages).
// Finished executions are read back from n8n's own database.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { freePort } from './free-port.mjs';
import { poll } from './poll.mjs';
import { tailOf } from './processes.mjs';
const { fetch, AbortSignal } = globalThis;

const CLI_MS = 120_000;
const EXECUTE_MS = 300_000;
const READY_MS = 120_000;

export async function createN8n({ installDir, userFolder, processes }) {
  const bin = join(installDir, 'node_modules', 'n8n', 'bin', 'n8n');
  const port = await freePort();
  const webhookBase = `http://127.0.0.1:${port}/`;

  async function env() {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: userFolder,
      N8N_USER_FOLDER: userFolder,
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_HOST: '127.0.0.1',
      N8N_PORT: String(port),
      WEBHOOK_URL: webhookBase,
      GENERIC_TIMEZONE: 'UTC',
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
      N8N_HIRING_BANNER_ENABLED: 'false',
      N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
      N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
      // What n8n 2.x does by default: Code nodes run in a task runner, expressions cannot read env.
      N8N_RUNNERS_ENABLED: 'true',
      N8N_RUNNERS_BROKER_PORT: String(await freePort()),
      N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
      // (N8N_LOG_LEVEL stays info: `execute` prints its result through the logger.)
      // Binary data inline in the execution, so `execute` prints the downloaded image itself.
      N8N_DEFAULT_BINARY_DATA_MODE: 'default',
      // WAL, so `n8n execute` can write while `n8n start` runs on the same database.
      DB_SQLITE_POOL_SIZE: '2',
      N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
    };
  }

  async function cli(args, { timeoutMs = CLI_MS, ...options } = {}) {
    return processes.run(process.execPath, [bin, ...args], {
      name: `n8n ${args[0]}`,
      env: await env(),
      timeoutMs,
      ...options,
    });
  }

  // Under load n8n sometimes prints a line after the document; the pretty-printed document ends at
  // its first unindented "}".
  function parseRawOutput(text) {
    try {
      return JSON.parse(text);
    } catch (error) {
      const end = text.indexOf('\n}');
      if (end < 0) throw error;
      process.stderr.write(`n8n execute: ignored after the JSON: ${text.slice(end + 2, end + 500).trim()}\n`);
      return JSON.parse(text.slice(0, end + 2));
    }
  }

  /** `n8n execute --rawOutput`: the run's data, or an error carrying n8n's own message. */
  async function execute(workflowId) {
    const stdoutFile = join(userFolder, `execute-${workflowId}.json`);
    const { output, code, signal } = await cli(['execute', `--id=${workflowId}`, '--rawOutput'], {
      timeoutMs: EXECUTE_MS,
      allowFailure: true,
      stdoutFile,
    });
    const stdout = readFileSync(stdoutFile, 'utf8');
    rmSync(stdoutFile);
    const failed = () =>
      new Error(
        `n8n execute ${workflowId} exited with ${code ?? signal}:\n${stdout.slice(-2_000)}${output.slice(-2_000)}`,
      );
    // Log lines may come before the JSON document, which starts on a line of its own.
    const start = stdout.startsWith('{') ? 0 : stdout.indexOf('\n{');
    if (start < 0) throw failed();
    let run;
    try {
      run = parseRawOutput(stdout.slice(start));
    } catch {
      throw failed();
    }
    if (code !== 0) {
      // Seen on a loaded 2-core machine: the CLI printed a finished, successful run and was then
      // ended by a signal while shutting down beside `n8n start`. The run is what is tested here;
      // a non-zero exit code still fails.
      const endedBySignal = code === null && signal !== null;
      if (!endedBySignal || run.finished !== true || run.status !== 'success') throw failed();
      process.stderr.write(
        `n8n execute ${workflowId}: ended by ${signal} after printing a finished run; its run is used\n`,
      );
    }
    const error = run.data?.resultData?.error;
    if (error) throw new Error(`workflow ${workflowId} failed in "${error.node?.name}": ${error.message}`);
    return run.data.resultData.runData;
  }

  /** `n8n start`: resolves once /healthz answers; the returned handle stops it. */
  async function startServer() {
    const server = processes.start(process.execPath, [bin, 'start'], { name: 'n8n start', env: await env() });
    await poll(
      async () => {
        if (server.hasExited())
          throw Object.assign(new Error(`n8n start exited:\n${tailOf(server)}`), { fatal: true });
        const response = await fetch(`${webhookBase}healthz`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.status === 200 ? true : undefined;
      },
      { timeoutMs: READY_MS, intervalMs: 250, what: 'n8n /healthz 200' },
    );
    return server;
  }

  const require = createRequire(join(installDir, 'package.json'));

  /** Rows of one read-only query on n8n's own database. */
  async function query(sql, params) {
    const sqlite3 = require('sqlite3');
    const db = await new Promise((resolve, reject) => {
      const opened = new sqlite3.Database(
        join(userFolder, '.n8n', 'database.sqlite'),
        sqlite3.OPEN_READONLY,
        (error) => (error ? reject(error) : resolve(opened)),
      );
    });
    try {
      return await new Promise((resolve, reject) =>
        db.all(sql, params, (error, found) => (error ? reject(error) : resolve(found))),
      );
    } finally {
      await new Promise((resolve) => db.close(() => resolve()));
    }
  }

  /** Finished executions of one workflow, oldest first, with their run data. */
  async function executions(workflowId) {
    const { parse } = require('flatted');
    const rows = await query(
      `SELECT e.id, e.mode, e.status, d.data FROM execution_entity e
       JOIN execution_data d ON d.executionId = e.id
       WHERE e.workflowId = ? AND e.status NOT IN ('new', 'running', 'waiting')
       ORDER BY e.id`,
      [workflowId],
    );
    return rows.map((row) => {
      const data = parse(row.data);
      return {
        id: row.id,
        mode: row.mode,
        status: row.status,
        runData: data.resultData.runData,
        error: data.resultData.error,
      };
    });
  }

  /** A workflow's static data (what its trigger nodes keep between runs, e.g. a webhook secret). */
  async function staticData(workflowId) {
    const [row] = await query('SELECT staticData FROM workflow_entity WHERE id = ?', [workflowId]);
    return row?.staticData ? JSON.parse(row.staticData) : {};
  }

  /**
   * The editor's REST API as the instance owner, on a running server: sets the owner up (a fresh n8n
   * has none) and returns `rest(method, path, body)` carrying the session cookie. For what the CLI
   * cannot do, such as deactivating a workflow the way the editor's toggle does (with its hooks).
   */
  async function ownerSession() {
    const browserId = 'platen-n8n-test';
    // /healthz answers before the REST controllers are mounted: until then this is a 404, or a 503
    // "n8n is starting up" on a busy machine.
    const setup = await poll(
      async () => {
        const response = await fetch(`${webhookBase}rest/owner/setup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'browser-id': browserId },
          body: JSON.stringify({
            email: 'owner@example.com',
            firstName: 'Platen',
            lastName: 'Test',
            password: 'Platen-n8n-test-1',
          }),
          signal: AbortSignal.timeout(30_000),
        });
        if (response.status !== 404 && response.status !== 503) return response;
        await response.body?.cancel();
        return undefined;
      },
      { timeoutMs: READY_MS, intervalMs: 500, what: "n8n's REST API (POST /rest/owner/setup)" },
    );
    const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0];
    if (setup.status !== 200 || !cookie) {
      throw new Error(`n8n owner setup answered ${setup.status}: ${(await setup.text()).slice(0, 500)}`);
    }
    await setup.body?.cancel();
    return async function rest(method, path, body) {
      const response = await fetch(`${webhookBase}rest/${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'browser-id': browserId, cookie },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      return { status: response.status, body: await response.text() };
    };
  }

  return { webhookBase, cli, execute, startServer, executions, staticData, ownerSession };
}

/** Every item a node output on `output` over all its runs (a node in a loop runs more than once). */
export function itemsOf(runData, nodeName, output = 0) {
  return (runData[nodeName] ?? []).flatMap((run) => run.data?.main?.[output] ?? []);
}
