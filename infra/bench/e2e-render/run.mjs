// End-to-end render benchmark (issue 5): `POST /api/v1/renders?wait=30` until the render has
// `succeeded`, at 1000 px, against the built services on 127.0.0.1 (key-service, gateway and
// `--workers` render-worker processes), a throwaway database and Redis prefix. Measures the
// latency of one render at a time (p50/p95 per template), then renders per second with several
// clients in flight, in short rounds alternating with rounds of the compositor alone (issue 24):
// as many processes as there are workers, each with the worker's compose concurrency, rendering
// the same templates and artwork with nothing around them, so the ratio of the two rates is what
// the service costs around the compositor, measured on the same cores in the same minutes. With
// --profile, the gateway and the workers run under `node --cpu-prof` and the profiles are
// summarised by module. Writes the "### End to end" subsection of the render section of
// infra/bench/RESULTS.md. Bounded: every request times out, and the whole run has a deadline.
//
//   npm run build && node infra/bench/e2e-render/run.mjs [--rounds 4] [--round-seconds 6] [--no-write]
import { Buffer } from 'node:buffer';
import { fork } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { ROOT, startPlatenStack } from '../platen-stack.mjs';
import { ARTWORK_SIDE, createBenchArtwork } from '../render/artwork.mjs';
import { percentile } from '../render/measure.mjs';
import { summariseProfile, summaryMarkdown } from '../render/profile.mjs';
import { E2E_SUBSECTION, writeSubsection } from '../render/results-file.mjs';

const { fetch, AbortController, AbortSignal, URL } = globalThis;

const RESULTS_PATH = join(ROOT, 'infra/bench/RESULTS.md');
const SIZE = 1000;
const WAIT_S = 30;
/** A request gives up this long after it was sent (the ?wait plus upload and slack). */
const REQUEST_TIMEOUT_MS = (WAIT_S + 15) * 1000;
/** The whole run, start-up included, never takes longer than this. */
const DEADLINE_MS = 15 * 60 * 1000;

const USAGE = `usage: node infra/bench/e2e-render/run.mjs [options]   (run \`npm run build\` first)
  --templates LIST   sample slugs (default: poster-on-wall,tablet-at-angle)
  --workers N        render-worker processes (default 2)
  --concurrency N    WORKER_CONCURRENCY of each (default: the worker's own default, 2)
  --sequential N     renders one at a time per template, for the latency (default 20)
  --clients N        requests in flight for the throughput rounds (default 8)
  --rounds N         end-to-end rounds, each followed by a compositor-alone round (default 4)
  --round-seconds N  length of each round (default 6)
  --account-jobs N   WORKER_ACCOUNT_JOBS of each worker (default: the worker's own, max(4, concurrency))
  --profile          run the gateway and workers under node --cpu-prof; print their summaries
  --no-write         print only; do not write RESULTS.md`;

/** Aborted at the deadline: a stack still starting then cleans up after itself. */
const abort = new AbortController();
/** The stack, once its start has begun: cleanup() waits for a start in progress, then stops it. */
let starting;
/** The compositor-alone processes and the temp dir of the run (artwork file, profiles). */
const children = [];
let workDir;

const log = (message) => process.stderr.write(`[bench:e2e-render] ${message}\n`);

/** One render, POSTed with ?wait; resolves with its client-side wall time once it has succeeded. */
async function renderOnce(url, headers, body) {
  const began = performance.now();
  const response = await fetch(`${url}/api/v1/renders?wait=${WAIT_S}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const payload = await response.json();
  const ms = performance.now() - began;
  const render = payload.data;
  if (response.status !== 200 || render?.status !== 'succeeded') {
    const what = render?.error ? `${render.error.code}: ${render.error.message}` : JSON.stringify(payload);
    throw new Error(`render ended ${response.status} ${render?.status ?? ''} (${what})`);
  }
  return { ms, render };
}

function renderBody(mockup, artworkBase64) {
  return JSON.stringify({
    mockup_uuid: mockup.uuid,
    smart_objects: mockup.smart_objects.map((so) => ({
      uuid: so.uuid,
      asset: { data: artworkBase64, fit: 'cover', rotate: 0 },
    })),
    export_options: { format: 'jpeg', size: SIZE, quality: 90 },
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      templates: { type: 'string', default: 'poster-on-wall,tablet-at-angle' },
      workers: { type: 'string', default: '2' },
      concurrency: { type: 'string' },
      sequential: { type: 'string', default: '20' },
      clients: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '4' },
      'round-seconds': { type: 'string', default: '6' },
      'account-jobs': { type: 'string' },
      profile: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return log(USAGE);
  const count = (name, min, max) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be ${min}–${max}`);
    return n;
  };
  const workers = count('workers', 1, 8);
  const sequential = count('sequential', 1, 500);
  const clients = count('clients', 1, 64);
  const accountJobs = values['account-jobs'] === undefined ? null : count('account-jobs', 1, 64);
  const rounds = count('rounds', 1, 20);
  const roundSeconds = count('round-seconds', 1, 60);
  const concurrency = values.concurrency === undefined ? null : count('concurrency', 1, 64);
  const slugs = values.templates.split(',').map((slug) => slug.trim());

  const began = Date.now();
  const loadStart = loadavg();
  workDir = await mkdtemp(join(tmpdir(), 'platen-bench-e2e-'));
  const profileDir = join(workDir, 'profiles');
  const profileArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  starting = startPlatenStack({
    name: 'e2e',
    log,
    workers,
    workerConcurrency: concurrency,
    workerNodeArgs: profileArgs,
    workerEnv: accountJobs === null ? {} : { WORKER_ACCOUNT_JOBS: String(accountJobs) },
    stopGraceMs: 30_000,
    signal: abort.signal,
  });
  const stack = await starting;
  const { apiKey: key } = stack;
  // Profiled: a second gateway under the profiler takes the traffic (the first one installed the
  // sample mockups, which would swamp its profile).
  const profiled = values.profile ? await stack.startGateway(profileArgs) : undefined;
  const url = profiled?.url ?? stack.url;
  const headers = { 'x-api-key': key };
  const listed = await (
    await fetch(`${url}/api/v1/mockups`, { headers, signal: AbortSignal.timeout(10_000) })
  ).json();
  const mockups = slugs.map((slug) => {
    const found = listed.data.find((m) => m.slug === slug);
    if (!found) throw new Error(`no mockup ${slug} (have ${listed.data.map((m) => m.slug).join(', ')})`);
    return found;
  });

  const artwork = await createBenchArtwork();
  const base64 = artwork.toString('base64');
  const artworkPath = join(workDir, 'artwork.jpg');
  await writeFile(artworkPath, artwork);
  const slotsPerWorker = concurrency ?? 2;
  log(`starting ${workers} compositor-alone processes (${slotsPerWorker} renders in flight each)`);
  const compositors = await Promise.all(
    Array.from({ length: workers }, () =>
      startCompositorChild({ slugs, concurrency: slotsPerWorker, artworkPath, size: SIZE }),
    ),
  );
  const bodies = mockups.map((mockup) => ({ slug: mockup.slug, body: renderBody(mockup, base64) }));

  // Every worker prepares (decodes and caches) each template on its first render of it: warm
  // them all up with as many renders in flight as the workers take.
  log('warming up');
  const slots = workers * (concurrency ?? 2);
  for (const { body } of bodies)
    await Promise.all(Array.from({ length: 2 * slots }, () => renderOnce(url, headers, body)));

  const latency = [];
  for (const { slug, body } of bodies) {
    const ms = [];
    let last;
    for (let i = 0; i < sequential; i++) {
      last = await renderOnce(url, headers, body);
      ms.push(last.ms);
    }
    const check = await checkResult(last.render);
    latency.push({ slug, ms, check });
    log(`${slug}: one at a time, p50 ${percentile(ms, 50).toFixed(0)} ms`);
  }

  // Alternating short rounds, so both rates see the same background load.
  log(`${rounds} rounds of ${roundSeconds} s each: end to end (${clients} in flight), then compositor alone`);
  const load = { ms: [], failures: [] };
  const e2eRounds = [];
  const aloneRounds = [];
  const servicePids = {
    gateway: (profiled?.proc ?? stack.processes.gateway).child.pid,
    'key-service': stack.processes.keyService.child.pid,
    ...Object.fromEntries(stack.processes.workers.map((w, i) => [`render-worker ${i + 1}`, w.child.pid])),
  };
  const alonePids = Object.fromEntries(compositors.map((c, i) => [`compositor alone ${i + 1}`, c.pid]));
  const e2eCpu = {};
  const aloneCpu = {};
  for (let round = 0; round < rounds; round++) {
    let before = await cpuSnapshot(servicePids);
    e2eRounds.push(await endToEndRound(url, headers, bodies, clients, roundSeconds * 1000, load));
    addCpu(e2eCpu, before, await cpuSnapshot(servicePids));
    before = await cpuSnapshot(alonePids);
    aloneRounds.push(await aloneRound(compositors, roundSeconds * 1000));
    addCpu(aloneCpu, before, await cpuSnapshot(alonePids));
    const e = e2eRounds.at(-1);
    const a = aloneRounds.at(-1);
    log(`round ${round + 1}: end to end ${rate(e).toFixed(1)}/s, compositor alone ${rate(a).toFixed(1)}/s`);
  }
  const jobOutcomes = await workerJobOutcomes(stack.processes.workers);
  const e2eTotal = sumRounds(e2eRounds);
  const aloneTotal = sumRounds(aloneRounds);
  log(
    `end to end ${rate(e2eTotal).toFixed(1)}/s, compositor alone ${rate(aloneTotal).toFixed(1)}/s: ratio ${((100 * rate(e2eTotal)) / rate(aloneTotal)).toFixed(0)} %, ${load.failures.length} failed`,
  );

  const section = report({
    workers,
    concurrency,
    sequential,
    clients,
    rounds,
    roundSeconds,
    artworkBytes: artwork.length,
    latency,
    load,
    e2eRounds,
    aloneRounds,
    e2eTotal,
    aloneTotal,
    e2eCpu,
    aloneCpu,
    jobOutcomes,
    accountJobs,
    profiled: values.profile,
    loadStart,
    loadEnd: loadavg(),
    durationS: (Date.now() - began) / 1000,
  });
  process.stdout.write(`\n${section}\n`);
  if (values.profile) {
    await stopChildren();
    await stack.stop();
    process.stdout.write(`\n${await profileReport(profileDir, stack, profiled)}\n`);
  }
  if (!values['no-write'] && !values.profile) {
    await writeSubsection(RESULTS_PATH, E2E_SUBSECTION, section);
    log(`wrote the end-to-end subsection of ${RESULTS_PATH}`);
  }
}

/** The result file is what was asked for: a JPEG whose longest side is SIZE. */
async function checkResult(render) {
  const response = await fetch(render.result.url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`result ${render.result.url}: ${response.status}`);
  const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
  if (meta.format !== 'jpeg' || Math.max(meta.width, meta.height) !== SIZE)
    throw new Error(`result is ${meta.format} ${meta.width}×${meta.height}, not a ${SIZE} px JPEG`);
  return `${meta.width}×${meta.height} JPEG, ${(render.result.bytes / 1024).toFixed(0)} KB`;
}

function report(r) {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const cpu = cpus();
  const rows = r.latency.map(
    ({ slug, ms, check }) =>
      `| ${slug} | ${ms.length} | ${percentile(ms, 50).toFixed(0)} | ${percentile(ms, 95).toFixed(0)} | ${check} |`,
  );
  const loaded = r.load.ms.length > 0;
  return [
    `${E2E_SUBSECTION}: \`POST /api/v1/renders?wait=${WAIT_S}\` → \`succeeded\` (infra/bench/e2e-render/run.mjs, ${date} UTC)`,
    '',
    `Key-service, gateway and ${r.workers} render-worker processes (WORKER_CONCURRENCY ${r.concurrency ?? 'default (2)'}, WORKER_ACCOUNT_JOBS ${r.accountJobs ?? 'default (4)'}) built from this tree, each a child process on 127.0.0.1, not pinned; local Postgres and Redis; local storage. ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, node ${process.version}; load average ${r.loadStart.map((n) => n.toFixed(2)).join(' ')} at start, ${r.loadEnd.map((n) => n.toFixed(2)).join(' ')} at end (shared machine). Each request uploads the ${ARTWORK_SIDE}×${ARTWORK_SIDE} JPEG artwork of the render benchmark inline (${(r.artworkBytes / 2 ** 20).toFixed(2)} MB, base64 in the JSON body) into every smart object, fit \`cover\`, export JPEG q90 at ${SIZE} px; the time is the client's, from sending the POST to the 200 with the succeeded render (upload, auth, charge, queue, artwork parked and read back, compose, encode, storage, the wait's notification). Templates were warmed up first (every worker prepares a template on its first render of it).`,
    '',
    '| template | renders, one at a time | p50 ms | p95 ms | result checked |',
    '|---|---:|---:|---:|---|',
    ...rows,
    '',
    loaded
      ? `- Throughput end to end: **${rate(r.e2eTotal).toFixed(1)} renders/s** with ${r.clients} requests in flight (templates alternating), ${r.rounds} rounds of ${r.roundSeconds} s: ${r.e2eTotal.rendered} succeeded in ${(r.e2eTotal.ms / 1000).toFixed(1)} s, ${r.load.failures.length} failed${r.load.failures.length ? ` (first: ${r.load.failures[0]})` : ''}; latency under that load p50 ${percentile(r.load.ms, 50).toFixed(0)} ms, p95 ${percentile(r.load.ms, 95).toFixed(0)} ms.`
      : `- Throughput end to end: no render succeeded (${r.load.failures.length} failed: ${r.load.failures[0] ?? 'none started'}).`,
    `- Compositor alone, same cores, rounds alternating with the end-to-end ones: **${rate(r.aloneTotal).toFixed(1)} renders/s** (${r.workers} processes × ${r.concurrency ?? 2} in flight, the workers' compose slots; the worker's compositor set-up, the same templates, artwork bytes and export, no HTTP, queue, database or storage): ${r.aloneTotal.rendered} in ${(r.aloneTotal.ms / 1000).toFixed(1)} s.`,
    `- **End to end / compositor alone: ${((100 * rate(r.e2eTotal)) / rate(r.aloneTotal)).toFixed(0)} %** (goal of issue 24: ≥ 70 %). Per round, end to end / alone renders/s: ${r.e2eRounds.map((e, i) => `${rate(e).toFixed(1)} / ${rate(r.aloneRounds[i]).toFixed(1)}`).join(', ')}.${r.profiled ? ' Measured with the gateway and workers under `node --cpu-prof`.' : ''}`,
    `- Worker jobs by outcome over the whole run (warm-up included): ${
      Object.entries(r.jobOutcomes)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none reported'
    }; a job \`deferred\` went back to the queue for 0.5 s or more because its worker already held the account's share of job slots (WORKER_ACCOUNT_JOBS).`,
    '',
    'CPU per render by process (user + system ms over the rounds, from /proc; every thread, so libvips too), the end-to-end rounds beside the compositor-alone ones:',
    '',
    '| process | CPU ms per render |',
    '|---|---:|',
    ...cpuRows(r.e2eCpu, r.e2eTotal.rendered),
    ...cpuRows(r.aloneCpu, r.aloneTotal.rendered),
    '',
    `- The whole run took ${r.durationS.toFixed(0)} s, start-up included.`,
  ].join('\n');
}

/** CPU ms (user + system, every thread) a process has used so far, from /proc (Linux); NaN elsewhere. */
async function cpuMsOf(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100;

/** CPU ms of each named process and of this client process, taken before and after a stretch of work. */
async function cpuSnapshot(pids) {
  const entries = await Promise.all(
    Object.entries(pids).map(async ([name, pid]) => [name, await cpuMsOf(pid)]),
  );
  const own = process.cpuUsage();
  return { ...Object.fromEntries(entries), 'bench client': (own.user + own.system) / 1000 };
}
const addCpu = (total, before, after) => {
  for (const name of Object.keys(after)) total[name] = (total[name] ?? 0) + after[name] - before[name];
};

const rate = ({ rendered, ms }) => (ms > 0 ? (1000 * rendered) / ms : 0);
const sumRounds = (rounds) =>
  rounds.reduce((sum, r) => ({ rendered: sum.rendered + r.rendered, ms: sum.ms + r.ms }), {
    rendered: 0,
    ms: 0,
  });

/** `clients` renders in flight until `ms` have passed; { rendered, ms } from the start to the last end. */
async function endToEndRound(url, headers, bodies, clients, ms, load) {
  const start = performance.now();
  const stopAt = start + ms;
  let next = 0;
  let rendered = 0;
  let lastEnd = start;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < stopAt) {
        const { body } = bodies[next++ % bodies.length];
        try {
          load.ms.push((await renderOnce(url, headers, body)).ms);
          rendered++;
        } catch (error) {
          load.failures.push(error.message);
        }
        lastEnd = Math.max(lastEnd, performance.now());
      }
    }),
  );
  return { rendered, ms: lastEnd - start };
}

/** One round on every compositor-alone process at once; their renders over the longest's time. */
async function aloneRound(compositors, ms) {
  const results = await Promise.all(compositors.map((child) => child.call({ run: ms })));
  return {
    rendered: results.reduce((sum, r) => sum + r.rendered, 0),
    ms: Math.max(...results.map((r) => r.ms)),
  };
}

/** A compositor-alone process (compositor-child.mjs), set up; call() sends a message and awaits its answer. */
async function startCompositorChild(setup) {
  const child = fork(new URL('./compositor-child.mjs', import.meta.url), [], { stdio: 'inherit' });
  children.push(child);
  const call = (message) =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`compositor process exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (answer) => {
        child.off('exit', onExit);
        if (answer.ok) resolve(answer);
        else reject(new Error(answer.error));
      });
      child.send(message);
    });
  await call({ setup });
  return { call, pid: child.pid };
}

async function stopChildren() {
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          if (child.connected) child.disconnect();
          else child.kill('SIGTERM');
        }),
    ),
  );
}

/**
 * The profiles `--cpu-prof` wrote at exit, summarised: the gateway's main thread, then each
 * worker's main thread and its kernel threads together (file names hold pid and thread id).
 */
async function profileReport(dir, stack, profiled) {
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.cpuprofile'));
  const pidOf = (file) => Number(file.split('.')[3]);
  const threadOf = (file) => Number(file.split('.')[4]);
  const parts = [];
  const summarise = async (title, picked) => {
    if (picked.length === 0) return parts.push(`${title}: no profile written`);
    // Several threads' profiles are merged by adding their self times per frame.
    const summaries = await Promise.all(
      picked.map(async (f) => summariseProfile(JSON.parse(await readFile(join(dir, f), 'utf8')), 1000)),
    );
    parts.push(`#### ${title}\n\n${summaryMarkdown(mergeSummaries(summaries, 15))}\n`);
  };
  await summarise(
    'Gateway (main thread)',
    files.filter((f) => pidOf(f) === profiled.proc.child.pid),
  );
  const workerPids = new Set(stack.processes.workers.map((w) => w.child.pid));
  await summarise(
    'Render workers, main threads',
    files.filter((f) => workerPids.has(pidOf(f)) && threadOf(f) === 0),
  );
  await summarise(
    'Render workers, kernel threads',
    files.filter((f) => workerPids.has(pidOf(f)) && threadOf(f) !== 0),
  );
  return parts.join('\n');
}

function mergeSummaries(summaries, top) {
  const add = (rows) => {
    const map = new Map();
    for (const row of rows) map.set(row.name, (map.get(row.name) ?? 0) + row.selfMs);
    return map;
  };
  const totalMs = summaries.reduce((sum, s) => sum + s.totalMs, 0);
  const rows = (key) =>
    [...add(summaries.flatMap((s) => s[key]))]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, selfMs]) => ({ name, selfMs, share: totalMs > 0 ? selfMs / totalMs : 0 }));
  return {
    totalMs,
    busyMs: summaries.reduce((sum, s) => sum + s.busyMs, 0),
    functions: rows('functions'),
    files: rows('files'),
  };
}

/** render_jobs_total by outcome, summed over the workers (whole run: warm-up and latency runs too). */
async function workerJobOutcomes(workers) {
  const outcomes = {};
  for (const { metricsUrl } of workers) {
    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) })).text();
    for (const [, outcome, n] of text.matchAll(/^render_jobs_total\{outcome="([^"]+)"\} (\d+)/gm))
      outcomes[outcome] = (outcomes[outcome] ?? 0) + Number(n);
  }
  return outcomes;
}

function cpuRows(cpu, rendered) {
  const rows = Object.entries(cpu).map(([name, ms]) => [name, ms / Math.max(1, rendered)]);
  const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
  return [
    ...rows.map(([name, ms]) => `| ${name} | ${ms.toFixed(0)} |`),
    `| **all of the above** | **${total.toFixed(0)}** |`,
  ];
}

async function cleanup() {
  await stopChildren();
  const stack = await starting?.catch(() => undefined);
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
}

const deadline = setTimeout(() => {
  log(`deadline of ${DEADLINE_MS / 60_000} min passed: stopping`);
  abort.abort(new Error('the deadline passed'));
  void cleanup().finally(() => process.exit(1));
}, DEADLINE_MS);
try {
  await main();
} catch (error) {
  log(`failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
  await cleanup();
}
