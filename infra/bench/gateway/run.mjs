// Gateway benchmark: autocannon against a bare express "hello" and against GET /api/v1/mockups with a
// valid key (auth + rate limit + handler) in alternating rounds of the same run, then POST
// /api/v1/renders (accepted/s, bounded). Starts its own key-service and gateway (from dist) on a
// throwaway database and Redis prefix, and cleans everything up. Results go to the "## Gateway"
// section of infra/bench/RESULTS.md.
// Usage: npm run bench:gateway   (BENCH_SECONDS=15 seconds per GET target, split in BENCH_ROUNDS=3
// alternating rounds; BENCH_CONNECTIONS=64; BENCH_RENDER_SECONDS=10 and BENCH_RENDER_MAX=20000 bound
// the renders created; BENCH_PROFILE=0 skips the profile pass; BENCH_RESULTS_FILE writes elsewhere)
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import autocannon from 'autocannon';
import pg from 'pg';
import { ROOT, startPlatenStack } from '../platen-stack.mjs';
import { interleave, run, summarise } from './load-rounds.mjs';
import { writeGatewaySection } from './results-section.mjs';

const { fetch } = globalThis;

const RESULTS = process.env.BENCH_RESULTS_FILE ?? join(ROOT, 'infra/bench/RESULTS.md');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const RENDER_SECONDS = Number(process.env.BENCH_RENDER_SECONDS ?? 10);
/** The render run creates real renders (queued; no worker runs): at most this many. */
const RENDER_MAX = Number(process.env.BENCH_RENDER_MAX ?? 20_000);
const INITIAL_CREDITS = 1_000_000_000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const DATE = process.env.BENCH_DATE ?? '2026-11-23';
const GOALS = { ratio: 0.5, p99Ms: 25, rendersPerSecond: 1000 };

const TINY_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let stack;
let profileDir;

function log(message) {
  process.stderr.write(`[bench:gateway] ${message}\n`);
}

function cannon(options) {
  return autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
}

/** Transactions committed or rolled back in the bench database so far (Postgres' statistics). */
async function pgTransactions() {
  const client = new pg.Client({ connectionString: stack.pgServer });
  await client.connect();
  try {
    const { rows } = await client.query(
      'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1',
      [stack.dbName],
    );
    return Number(rows[0]?.n ?? NaN);
  } finally {
    await client.end();
  }
}

/** Postgres transactions per request of `work` (statistics reach the view within a second of idling). */
async function pgPerRequest(work) {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));
  await settle();
  const before = await pgTransactions();
  const result = await work();
  await settle();
  return { result, perRequest: ((await pgTransactions()) - before) / result.requests };
}

/** Renders stored for the account and the credits they were charged (every request that got through). */
async function storedRenders(accountId) {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select count(*)::int as n, coalesce(sum(credits_charged), 0)::int as credits
         from renders.renders where account_id = $1 and status <> 'failed'`,
      [accountId],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

async function balanceOf(accountId) {
  return (await stack.internal(`/accounts/${accountId}/credits`)).balance;
}

/**
 * The top self-time frames of the gateway's .cpuprofile within a window of the run, given as seconds
 * before the profile's end (the start-up, which generates the sample mockups, is left out).
 */
async function topFrames(dir, fromEndS, toEndS, count = 12) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return [];
  const profile = JSON.parse(await readFile(join(dir, files[0]), 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  const end = profile.endTime;
  const self = new Map();
  profile.samples.forEach((nodeId, i) => {
    const before = (end - times[i]) / 1e6;
    if (before > fromEndS || before < toEndS) return;
    const frame = byId.get(nodeId).callFrame;
    const where = frame.url
      ? `${frame.url
          .replace(/^file:\/\//, '')
          .replace(/^.*node_modules\//, '')
          .replace(ROOT, '')}:${frame.lineNumber + 1}`
      : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, share: us / total }));
}

// Static reading notes; the figures they rely on are in the table and lines above them.
const NOTES = [
  '',
  '### Reading the numbers',
  '',
  '- **Fair same-run comparison.** Both servers are single Node processes on 127.0.0.1, driven by the same autocannon settings from the bench process, in alternating rounds (hello, mockups, mockups, hello, …) within the same minute, so whatever else runs on this shared 2-core machine weighs on both alike. Percentiles are over every response of all rounds. The CPU each server spent per request (from `/proc`) is printed too: it does not depend on how busy the machine was, so it is the steadier figure; the throughput ratio follows it when both servers get a core each. autocannon’s own CPU share is printed per target: well below 100 % of its one core means it was not the bottleneck.',
  '- `GET /api/v1/mockups` per request: verified-key cache lookup (no I/O), one Redis `EVALSHA` (rate limit + usage + the account’s mockup-catalogue version; the calls of one event-loop turn share one pipelined socket write), no Postgres (see the Postgres line above; a store built without catalogue versions reads the account’s own mockups with one query per request instead): the built-in mockups are held in memory (re-read at most every 10 s), the account’s own are held under the catalogue version (a random tag in Redis that every write of the account’s mockups replaces, so all replicas re-read on their next request), thumbnail URLs are signed once per window (expiry rounded up, never served with less than `RESULT_URL_TTL_SECONDS` left), and a page of built-ins only is sent as the same bytes with a precomputed ETag until the catalogue or the window changes. What remains is express + helmet, the Redis round trip and the socket writes; the profile below shows them.',
  '- `POST /api/v1/renders` per accepted render: the rate-limit `EVALSHA`, the mockup from memory, one Postgres insert, the artwork parked in storage while the charge runs at the key-service (node:http on kept-alive connections), a BullMQ `add` and the usage `MULTI`. The key-service batches the charges of one account: while one charge transaction runs, the charges arriving meanwhile wait and then share the next transaction (one row lock, one WAL flush), each still decided exactly and committed before it is answered. The ceiling is CPU: the sum of the per-request CPU of every process involved (table above; Postgres and Redis not counted) against 2 cores shared with autocannon.',
];

const fmt = (n, digits = 0) =>
  Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const began = Date.now();
  stack = await startPlatenStack({
    name: 'gw',
    log,
    account: { credits: INITIAL_CREDITS },
    stopGraceMs: 15_000,
  });
  let { url } = stack;
  let gateway = stack.processes.gateway;
  const keyService = stack.processes.keyService;
  const hello = stack.services.start('hello', ['infra/bench/gateway/hello-server.mjs'], {});
  const helloPort = await new Promise((resolve) => {
    const check = () => {
      const match = /^(\d+)$/m.exec(hello.output());
      if (match) resolve(Number(match[1]));
      else setTimeout(check, 50);
    };
    check();
  });

  const account = { id: stack.accountId };
  const key = stack.apiKey;
  const headers = { 'x-api-key': key };
  const mockups = await (await fetch(`${url}/api/v1/mockups`, { headers })).json();
  const poster = mockups.data.find((m) => m.slug === 'poster-on-wall') ?? mockups.data[0];
  const renderBody = JSON.stringify({
    mockup_uuid: poster.uuid,
    smart_objects: poster.smart_objects
      .filter((so) => so.required)
      .map((so) => ({ uuid: so.uuid, asset: { data: TINY_PNG } })),
    export_options: { format: 'jpeg', size: 1000 },
  });

  const pids = { gateway: gateway.child.pid, 'key-service': keyService.child.pid, hello: hello.child.pid };
  const helloUrl = `http://127.0.0.1:${helloPort}/hello`;
  const loadAtStart = loadavg();
  log(
    `warming up, then ${ROUNDS} alternating rounds of ${SECONDS / ROUNDS} s × ${CONNECTIONS} connections per target`,
  );
  await autocannon({ url: `${url}/api/v1/mockups`, headers, connections: 8, duration: 2 });
  await autocannon({ url: helloUrl, connections: 8, duration: 2 });
  const rounds = await interleave(
    {
      bare: { url: helloUrl, connections: CONNECTIONS },
      authed: { url: `${url}/api/v1/mockups`, headers, connections: CONNECTIONS },
    },
    {
      rounds: ROUNDS,
      seconds: SECONDS / ROUNDS,
      cpuPids: pids,
      onRound: (name, round, part) =>
        log(`round ${round + 1} ${name}: ${fmt(part.requests / part.seconds)} req/s`),
    },
  );
  const bare = summarise(rounds.bare);
  const authed = summarise(rounds.authed);
  const { perRequest: pgPerGet } = await pgPerRequest(() =>
    run({ url: `${url}/api/v1/mockups`, headers, connections: CONNECTIONS, duration: 2 }, {}),
  );
  const renderRun = async (seconds) =>
    run(
      {
        url: `${url}/api/v1/renders`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: seconds,
        maxOverallRequests: RENDER_MAX,
        headers: { ...headers, 'content-type': 'application/json' },
        body: renderBody,
      },
      pids,
    );
  const balanceBefore = await balanceOf(account.id);
  const { result: renderResult, perRequest: pgPerRender } = await pgPerRequest(() =>
    renderRun(RENDER_SECONDS),
  );
  const renders = summarise(renderResult);
  // Requests still in flight when autocannon stops are answered unseen: count what the database holds.
  const charged = balanceBefore - (await balanceOf(account.id));
  const stored = await storedRenders(account.id);
  log(
    `POST /api/v1/renders: ${fmt(renders.rps)} req/s; ${fmt(stored.n)} renders stored for ${fmt(stored.credits)} credits, ${fmt(charged)} credits charged`,
  );
  const loadAtEnd = loadavg();

  const ratio = authed.rps / bare.rps;
  const misses = [];
  if (ratio < GOALS.ratio) misses.push('ratio');
  if (authed.p99 > GOALS.p99Ms) misses.push('p99');
  if (renders.rps < GOALS.rendersPerSecond) misses.push('renders');

  const PROFILE_S = 8;
  let profiles = [];
  if (misses.length > 0 && process.env.BENCH_PROFILE !== '0') {
    log(
      `goal missed (${misses.join(', ')}): profiling the gateway (${PROFILE_S} s GET, then ${PROFILE_S} s POST)`,
    );
    await stack.services.stop(gateway);
    profileDir = await mkdtemp(join(tmpdir(), 'platen-bench-gw-prof-'));
    ({ proc: gateway, url } = await stack.startGateway(['--cpu-prof', `--cpu-prof-dir=${profileDir}`]));
    await cannon({ url: `${url}/api/v1/mockups`, headers, duration: PROFILE_S });
    await renderRun(PROFILE_S);
    await stack.services.stop(gateway);
    // The profile ends at shutdown, about a second after the POST run.
    profiles = [
      ['GET /api/v1/mockups', await topFrames(profileDir, 2 * PROFILE_S + 1, PROFILE_S + 1.5)],
      ['POST /api/v1/renders', await topFrames(profileDir, PROFILE_S + 0.5, 1)],
    ];
  }

  const cpu = cpus();
  const us = (value) => (value === null || value === undefined ? '–' : fmt(value));
  const row = (name, r, server) =>
    `| ${name} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.total)} | ${fmt(r.non2xx)} | ${fmt(r.errors)} | ${us(r.cpuUsPerRequest[server])} | ${fmt(r.benchCpuShare * 100)} % |`;
  const verdict = (ok) => (ok ? 'met' : '**missed**');
  const cpuRatio = authed.cpuUsPerRequest.gateway / bare.cpuUsPerRequest.hello;
  const body = [
    `Run ${DATE} with \`npm run bench:gateway\` (autocannon, ${CONNECTIONS} connections; hello and mockups in ${ROUNDS} alternating rounds of ${fmt(SECONDS / ROUNDS, 1)} s each, ${SECONDS} s per target; renders ${RENDER_SECONDS} s, at most ${fmt(RENDER_MAX)}; key-service, gateway and the bare app each a child process on 127.0.0.1; local Postgres and Redis; no render-worker, so accepted renders stay queued).`,
    `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, shared with other engineers' builds and tests; load average (1/5/15 min) ${loadAtStart.map((n) => n.toFixed(2)).join(' / ')} at the start, ${loadAtEnd.map((n) => n.toFixed(2)).join(' / ')} at the end. Node ${process.version}.`,
    '',
    '| target | req/s | p50 ms | p99 ms | requests | non-2xx | errors | server CPU µs/req | autocannon CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('bare express `GET /hello`', bare, 'hello'),
    row('`GET /api/v1/mockups` with a key (auth + rate limit + handler)', authed, 'gateway'),
    row('`POST /api/v1/renders` (inline 1×1 PNG; insert + park + charge + enqueue)', renders, 'gateway'),
    '',
    `- Authenticated / bare throughput: **${(ratio * 100).toFixed(1)} %** (goal ≥ 50 %: ${verdict(ratio >= GOALS.ratio)}). CPU per request: the gateway ${us(authed.cpuUsPerRequest.gateway)} µs, bare express ${us(bare.cpuUsPerRequest.hello)} µs (${Number.isFinite(cpuRatio) ? `${cpuRatio.toFixed(2)}×` : 'n/a'}).`,
    `- Postgres transactions per request (gateway and key-service, from \`pg_stat_database\`): ${pgPerGet.toFixed(2)} per \`GET /api/v1/mockups\`, ${pgPerRender.toFixed(2)} per accepted render.`,
    `- Authenticated p99: **${fmt(authed.p99, 1)} ms** at ${CONNECTIONS} connections (goal ≤ 25 ms: ${verdict(authed.p99 <= GOALS.p99Ms)}).`,
    `- Renders accepted: **${fmt(renders.rps)} /s** (goal ≥ 1,000/s: ${verdict(renders.rps >= GOALS.rendersPerSecond)}). CPU per accepted render: gateway ${us(renders.cpuUsPerRequest.gateway)} µs, key-service ${us(renders.cpuUsPerRequest['key-service'])} µs.`,
    `- Credits: ${fmt(stored.n)} renders stored (${fmt(renders.total - renders.non2xx)} answered 202 within the run, the rest were in flight when it stopped), priced ${fmt(stored.credits)} credits; the balance fell by ${fmt(charged)}: ${charged === stored.credits ? 'exact' : '**mismatch**'}.`,
    ...NOTES,
    ...profiles.flatMap(([what, frames]) => [
      '',
      `### Profile: ${what} (gateway \`--cpu-prof\`, ${PROFILE_S} s under the same load; top self time)`,
      '',
      '| share | frame |',
      '|---:|---|',
      ...frames.map((f) => `| ${(f.share * 100).toFixed(1)} % | \`${f.name.replace(/\|/g, '\\|')}\` |`),
    ]),
  ].join('\n');
  await writeGatewaySection(RESULTS, body);
  process.stdout.write(`${body}\n`);
  log(`done in ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

async function cleanup() {
  await stack?.stop();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
}

try {
  await main();
} catch (error) {
  log(`failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
