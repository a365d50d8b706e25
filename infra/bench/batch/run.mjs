// Batch benchmark (issue 24): a batch of 10 and of 100 renders of one artwork beside the same renders
// sent one by one, in the same run, against the built services on 127.0.0.1 (key-service, gateway,
// `--workers` render-workers; a throwaway database, Redis prefix and storage dir, see
// ../platen-stack.mjs). Measures the client's wall time per case, renders/s and the CPU the worker
// (and gateway) processes spent per render, read from /proc. Writes the "## Batch" section of
// infra/bench/RESULTS.md. Bounded: every request times out, and the whole run has a deadline.
//
//   npm run bench:batch [-- --no-write] [-- --profile]
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { cpuSnapshot, cpuSpent } from '../gateway/process-cpu.mjs';
import { summariseProfile } from '../gateway/profile-summary.mjs';
import { writeSection } from '../gateway/results-section.mjs';
import { ROOT, startPlatenStack } from '../platen-stack.mjs';
import { ARTWORK_SIDE, createBenchArtwork } from '../render/artwork.mjs';
import { percentile } from '../render/measure.mjs';

const { fetch, AbortController, AbortSignal } = globalThis;

const RESULTS_PATH = join(ROOT, 'infra/bench/RESULTS.md');
const SECTION = '## Batch';
const PROFILE_SECTION = '## Batch: worker profile';
const SIZE = 1000;
const WAIT_S = 60;
/** A request gives up this long after it was sent (the ?wait plus upload and slack). */
const REQUEST_TIMEOUT_MS = (WAIT_S + 30) * 1000;
/** A batch still processing is read again (GET ?wait) at most this many times. */
const MAX_POLLS = 20;
/** The whole run, start-up included, never takes longer than this. */
const DEADLINE_MS = 25 * 60 * 1000;
/** The sample templates' product colours (the t-shirt's allowed list, in its order). */
const SHIRT_COLORS = [
  '#ffffff',
  '#222222',
  '#9a9a9a',
  '#1f2a44',
  '#b3262e',
  '#2f5d3a',
  '#2c5fb3',
  '#d8c7a5',
  '#6b1f2e',
];

const USAGE = `usage: node infra/bench/batch/run.mjs [options]   (run \`npm run build\` first)
  --workers N        render-worker processes (default 1)
  --concurrency N    WORKER_CONCURRENCY of each (default: the worker's own, 2)
  --account-jobs N   WORKER_ACCOUNT_JOBS of each worker (default: the worker's own, max(4, concurrency))
  --single-rounds N  cold single renders per template for the baseline (default 4)
  --in-flight N      singles in flight for the one-by-one cases (default 8)
  --profile          only warm up and run the batch of 100 with the workers under --cpu-prof;
                     write the "${PROFILE_SECTION}" section
  --no-write         print only; do not write RESULTS.md`;

const abort = new AbortController();
let starting;

const log = (message) => process.stderr.write(`[bench:batch] ${message}\n`);

async function call(url, { headers, body, method = body ? 'POST' : 'GET' }) {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, payload: await response.json() };
}

/**
 * A different artwork per case (a small patch recoloured, then re-encoded), so the worker's
 * decoded-artwork cache never carries one case's decode into the next.
 */
async function artworkVariant(base, n) {
  const patch = await sharp({
    create: {
      width: 16,
      height: 16,
      channels: 3,
      background: { r: (n * 37) % 256, g: (n * 91) % 256, b: n % 256 },
    },
  })
    .png()
    .toBuffer();
  const jpeg = await sharp(base)
    .composite([{ input: patch, top: 0, left: 0 }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return jpeg.toString('base64');
}

/** The renders of a case: item i is the (i mod 4)-th built-in; the t-shirt cycles through its colours. */
function plan(mockups, count) {
  return Array.from({ length: count }, (_, i) => {
    const mockup = mockups[i % mockups.length];
    const takesColour = mockup.smart_objects.some((so) => so.color);
    const color = takesColour
      ? SHIRT_COLORS[Math.floor(i / mockups.length) % SHIRT_COLORS.length]
      : undefined;
    return { mockup, color, label: `r${i}` };
  });
}

const wallOf = (run) => run.ms;

const exportOptions = { format: 'jpeg', size: SIZE, quality: 90 };

function singleBody({ mockup, color }, base64) {
  return JSON.stringify({
    mockup_uuid: mockup.uuid,
    smart_objects: mockup.smart_objects.map((so) => ({
      uuid: so.uuid,
      asset: { data: base64, fit: 'cover' },
      ...(color && so.color ? { color } : {}),
    })),
    export_options: exportOptions,
  });
}

function batchBody(items, base64) {
  return JSON.stringify({
    artworks: [{ id: 'art', data: base64, fit: 'cover' }],
    items: items.map(({ mockup, color, label }) => ({
      mockup_uuid: mockup.uuid,
      smart_objects: mockup.smart_objects.map((so) => ({ uuid: so.uuid, artwork: 'art' })),
      ...(color ? { color } : {}),
      export_label: label,
    })),
    export_options: exportOptions,
    render_webhooks: false,
  });
}

async function renderOnce(url, headers, body) {
  const { status, payload } = await call(`${url}/api/v1/renders?wait=${WAIT_S}`, { headers, body });
  const render = payload.data;
  if (status !== 200 || render?.status !== 'succeeded') {
    const what = render?.error ? `${render.error.code}: ${render.error.message}` : JSON.stringify(payload);
    throw new Error(`render ended ${status} ${render?.status ?? ''} (${what})`);
  }
  return render;
}

/** POST the batch with ?wait, then GET ?wait until it is finished; every render must have succeeded. */
async function batchOnce(url, headers, body) {
  let { status, payload } = await call(`${url}/api/v1/renders/batch?wait=${WAIT_S}`, { headers, body });
  if (status !== 200 && status !== 202) throw new Error(`batch: ${status} ${JSON.stringify(payload)}`);
  let batch = payload.data;
  for (let polls = 0; batch.status !== 'finished'; polls++) {
    if (polls >= MAX_POLLS) throw new Error(`batch ${batch.uuid} still ${batch.status} after ${polls} polls`);
    ({ status, payload } = await call(`${url}/api/v1/batches/${batch.uuid}?wait=${WAIT_S}`, { headers }));
    if (status !== 200) throw new Error(`batch ${batch.uuid}: ${status} ${JSON.stringify(payload)}`);
    batch = payload.data;
  }
  if (batch.counts.succeeded !== batch.counts.total)
    throw new Error(`batch ${batch.uuid}: ${batch.counts.failed} of ${batch.counts.total} renders failed`);
  return batch;
}

/**
 * Where a case's wall time went, from the renders' own timestamps: the server's span (first
 * created_at to last completed_at), the mean wait in the queue (started_at − created_at), the mean
 * time a render ran (completed_at − started_at) and how many ran at once on average.
 */
function timeline(renders) {
  const t = (iso) => Date.parse(iso);
  const firstCreated = Math.min(...renders.map((r) => t(r.created_at)));
  const firstStarted = Math.min(...renders.map((r) => t(r.started_at)));
  const lastCompleted = Math.max(...renders.map((r) => t(r.completed_at)));
  const run = renders.reduce((sum, r) => sum + t(r.completed_at) - t(r.started_at), 0);
  const queued = renders.reduce((sum, r) => sum + t(r.started_at) - t(r.created_at), 0);
  return {
    spanMs: lastCompleted - firstCreated,
    queuedMs: queued / renders.length,
    runMs: run / renders.length,
    atOnce: run / Math.max(1, lastCompleted - firstStarted),
  };
}

/** A batch's renders, read one by one (8 at a time) after it finished. */
async function batchRenders(url, headers, batch) {
  const out = [];
  await inFlight(batch.renders, 8, async ({ uuid }) => {
    out.push((await call(`${url}/api/v1/renders/${uuid}`, { headers })).payload.data);
  });
  return out;
}

/** Runs `fn`, returning its result with the client's wall time and the CPU each process spent. */
async function measured(pids, fn) {
  const before = cpuSnapshot(pids);
  const began = performance.now();
  const result = await fn();
  const ms = performance.now() - began;
  const cpu = cpuSpent(before, cpuSnapshot(pids));
  const workerCpu = Object.entries(cpu)
    .filter(([name]) => name.startsWith('worker'))
    .reduce((sum, [, s]) => (sum === null || s === null ? null : sum + s), 0);
  return { result, ms, cpu: { ...cpu, worker: workerCpu } };
}

async function inFlight(bodies, limit, send) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, bodies.length) }, async () => {
      while (next < bodies.length) await send(bodies[next++]);
    }),
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '1' },
      concurrency: { type: 'string' },
      'account-jobs': { type: 'string' },
      'single-rounds': { type: 'string', default: '4' },
      'in-flight': { type: 'string', default: '8' },
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
  const workers = count('workers', 1, 4);
  const concurrency = values.concurrency === undefined ? null : count('concurrency', 1, 16);
  const accountJobs = values['account-jobs'] === undefined ? null : count('account-jobs', 1, 255);
  const singleRounds = count('single-rounds', 1, 10);
  const flight = count('in-flight', 1, 32);

  const began = Date.now();
  const loadStart = loadavg();
  const profileDir = values.profile ? await mkdtemp(join(tmpdir(), 'platen-bench-batch-prof-')) : null;
  try {
    starting = startPlatenStack({
      name: 'batch',
      log,
      workers,
      workerConcurrency: concurrency,
      workerEnv: accountJobs ? { WORKER_ACCOUNT_JOBS: String(accountJobs) } : {},
      workerNodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      stopGraceMs: 30_000,
      signal: abort.signal,
    });
    const stack = await starting;
    const { url, apiKey } = stack;
    const headers = { 'x-api-key': apiKey };
    const pids = Object.fromEntries([
      ['gateway', stack.processes.gateway.child.pid],
      ['keyService', stack.processes.keyService.child.pid],
      ...stack.processes.workers.map((w, i) => [`worker${i + 1}`, w.child.pid]),
    ]);
    const listed = (await call(`${url}/api/v1/mockups`, { headers })).payload.data;
    const mockups = listed.filter((m) => m.status === 'ready').sort((a, b) => a.slug.localeCompare(b.slug));
    if (mockups.length !== 4) throw new Error(`expected the 4 built-ins, have ${mockups.map((m) => m.slug)}`);

    const base = await createBenchArtwork();
    let variants = 0;
    const artwork = () => artworkVariant(base, ++variants);

    log('warming up (every worker prepares each template on its first render of it)');
    const slots = workers * (concurrency ?? 2);
    const warm = await artwork();
    for (const mockup of mockups)
      await Promise.all(
        Array.from({ length: slots }, () => renderOnce(url, headers, singleBody({ mockup }, warm))),
      );

    if (profileDir)
      return await profileRun({ stack, url, headers, pids, mockups, artwork, profileDir, values, began });

    // (a) Cold single renders, one at a time, a fresh artwork each: the baseline per template.
    const single = new Map(mockups.map((m) => [m.slug, []]));
    for (let round = 0; round < singleRounds; round++)
      for (const [i, item] of plan(mockups, mockups.length).entries()) {
        const body = singleBody(item, await artwork());
        const run = await measured(pids, () => renderOnce(url, headers, body));
        single.get(mockups[i].slug).push(run);
      }
    // Wall: the median; CPU: the mean (/proc counts it in 10 ms clock ticks, a render is a few ticks).
    const singleOf = (slug, key) => {
      const runs = single.get(slug).map(key);
      return key === wallOf ? percentile(runs, 50) : runs.reduce((a, b) => a + b, 0) / runs.length;
    };
    log(`single: ${mockups.map((m) => `${m.slug} ${singleOf(m.slug, wallOf).toFixed(0)} ms`).join(', ')}`);

    const cases = [];
    for (const n of [10, 100]) {
      const items = plan(mockups, n);
      // The baseline a batch of these items is held against: the mean cold single render over its mix.
      const mixMean = (key) => items.reduce((sum, { mockup }) => sum + singleOf(mockup.slug, key), 0) / n;
      const baseline = { ms: mixMean(wallOf), worker: mixMean((r) => r.cpu.worker) };

      const batchArt = await artwork();
      const batch = await measured(pids, () => batchOnce(url, headers, batchBody(items, batchArt)));
      batch.timeline = timeline(await batchRenders(url, headers, batch.result));
      log(`batch of ${n}: ${batch.ms.toFixed(0)} ms, worker CPU ${batch.cpu.worker?.toFixed(2)} s`);

      const singlesArt = await artwork();
      const bodies = items.map((item) => singleBody(item, singlesArt));
      const done = [];
      const singles = await measured(pids, () =>
        inFlight(bodies, flight, async (body) => done.push(await renderOnce(url, headers, body))),
      );
      singles.timeline = timeline(done);
      log(`${n} singles: ${singles.ms.toFixed(0)} ms, worker CPU ${singles.cpu.worker?.toFixed(2)} s`);
      cases.push({ n, items, baseline, batch, singles });
    }

    const section = report({
      workers,
      concurrency,
      accountJobs,
      flight,
      singleRounds,
      mockups,
      single,
      singleOf,
      cases,
      artworkBytes: base.length,
      loadStart,
      loadEnd: loadavg(),
      durationS: (Date.now() - began) / 1000,
    });
    process.stdout.write(`\n${section}\n`);
    if (!values['no-write']) {
      await writeSection(RESULTS_PATH, SECTION, section);
      log(`wrote the "${SECTION}" section of ${RESULTS_PATH}`);
    }
  } finally {
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  }
}

/** --profile: the batch of 100 with the workers under --cpu-prof; the top frames of its last seconds. */
async function profileRun({ stack, url, headers, pids, mockups, artwork, profileDir, values, began }) {
  const items = plan(mockups, 100);
  const art = await artwork();
  const batch = await measured(pids, () => batchOnce(url, headers, batchBody(items, art)));
  log(`batch of 100 under --cpu-prof: ${batch.ms.toFixed(0)} ms; stopping the stack to write the profile`);
  await stack.stop();
  const files = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error('no worker wrote a .cpuprofile');
  const lines = [
    `Written by \`npm run bench:batch -- --profile\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: the batch of 100 (the same items as "${SECTION}") with each render-worker under \`node --cpu-prof\`; the frames of the batch's last ${(batch.ms / 1000).toFixed(0)} s (wall-clock sampling of each JavaScript thread: the main thread, which fetches, decodes and encodes through libvips and talks to Postgres, Redis and storage, and the kernel threads, which compose; libvips' own threads are not sampled, their work shows on the main thread as \`(idle)\` waits). Load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} at end; the run took ${((Date.now() - began) / 1000).toFixed(0)} s.`,
  ];
  for (const file of files.sort()) {
    // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the worker's main thread,
    // the others the compositor's kernel threads.
    const thread = Number(file.split('.')[4]);
    const summary = await summariseProfile(join(profileDir, file), {
      count: 15,
      lastSeconds: batch.ms / 1000,
    });
    lines.push(
      '',
      `${thread === 0 ? 'Main thread' : `Kernel thread ${thread}`} (${file}): ${summary.seconds.toFixed(1)} s sampled.`,
      '',
      '| self | frame | | total | frame |',
      '|---:|---|---|---:|---|',
    );
    for (let i = 0; i < 15; i++) {
      const s = summary.self[i];
      const t = summary.total[i];
      lines.push(
        `| ${s ? `${(s.share * 100).toFixed(1)} %` : ''} | ${s ? `\`${s.frame}\`` : ''} | | ${t ? `${(t.share * 100).toFixed(1)} %` : ''} | ${t ? `\`${t.frame}\`` : ''} |`,
      );
    }
  }
  const section = lines.join('\n');
  process.stdout.write(`\n${section}\n`);
  if (!values['no-write']) await writeSection(RESULTS_PATH, PROFILE_SECTION, section);
}

const fmtS = (ms) => (ms / 1000).toFixed(2);
const fmtCpu = (s) => (s === null || s === undefined ? 'n/a' : `${(s * 1000).toFixed(0)}`);
const ratio = (a, b) => (a === null || b === null || !b ? null : a / b);

function report(r) {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const cpu = cpus();
  const singleRows = r.mockups.map(
    (m) =>
      `| ${m.slug} | ${r.single.get(m.slug).length} | ${r.singleOf(m.slug, wallOf).toFixed(0)} | ${fmtCpu(r.singleOf(m.slug, (x) => x.cpu.worker))} | ${fmtCpu(r.singleOf(m.slug, (x) => x.cpu.gateway))} |`,
  );
  const caseRows = r.cases.flatMap(({ n, batch, singles }) =>
    [
      [`batch of ${n}`, batch],
      [`${n} singles, ${r.flight} in flight`, singles],
    ].map(
      ([name, run]) =>
        `| ${name} | ${fmtS(run.ms)} | ${(n / (run.ms / 1000)).toFixed(2)} | ${fmtCpu(run.cpu.worker / n)} | ${fmtCpu(run.cpu.gateway / n)} | ${fmtCpu(run.cpu.keyService / n)} | ${fmtS(run.timeline.spanMs)} | ${run.timeline.queuedMs.toFixed(0)} | ${run.timeline.runMs.toFixed(0)} | ${run.timeline.atOnce.toFixed(2)} |`,
    ),
  );
  const goals = r.cases.map(({ n, baseline, batch, singles }) => {
    const wall = ratio(batch.ms, baseline.ms);
    const cpuShare = ratio(batch.cpu.worker / n, baseline.worker);
    const vsSingles = ratio(batch.cpu.worker, singles.cpu.worker);
    const wallPart =
      n === 10
        ? `wall ${fmtS(batch.ms)} s ÷ one cold single ${fmtS(baseline.ms)} s = **${wall.toFixed(2)}×** (goal ≤ 3×: **${wall <= 3 ? 'met' : 'missed'}**)`
        : `wall ${fmtS(batch.ms)} s ÷ one cold single ${fmtS(baseline.ms)} s = ${wall.toFixed(2)}× (no goal for 100)`;
    const cpuPart =
      cpuShare === null
        ? 'worker CPU unknown (no /proc)'
        : `worker CPU per render ${fmtCpu(batch.cpu.worker / n)} ms ÷ a cold single's ${fmtCpu(baseline.worker)} ms = **${(cpuShare * 100).toFixed(0)} %**${n === 10 ? ` (goal ≤ 40 %: **${cpuShare <= 0.4 ? 'met' : 'missed'}**)` : ''}`;
    return `- Batch of ${n}: ${wallPart}; ${cpuPart}. Against the same ${n} renders sent one by one: wall ${ratio(batch.ms, singles.ms).toFixed(2)}×, worker CPU ${vsSingles === null ? 'n/a' : `${(vsSingles * 100).toFixed(0)} %`}.`;
  });
  const mix = (n) => {
    const items = plan(r.mockups, n);
    return r.mockups
      .map((m) => `${m.slug} ×${items.filter((i) => i.mockup.slug === m.slug).length}`)
      .join(', ');
  };
  return [
    `Written by \`npm run bench:batch\` (infra/bench/batch/run.mjs) on ${date} UTC.`,
    '',
    `**Machine:** ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, node ${process.version}. Key-service, gateway and ${r.workers} render-worker process${r.workers > 1 ? 'es' : ''} (WORKER_CONCURRENCY ${r.concurrency ?? 'default (2)'}, WORKER_ACCOUNT_JOBS ${r.accountJobs ?? 'default (4)'}, ARTWORK_CACHE_BYTES default 256 MiB) built from this tree, child processes on 127.0.0.1, not pinned; local Postgres, Redis and storage. Load average (1/5/15 min) ${r.loadStart.map((n) => n.toFixed(2)).join(' ')} at start, ${r.loadEnd.map((n) => n.toFixed(2)).join(' ')} at end: the machine is shared with other engineers' test suites, so the wall times carry their noise; the CPU columns (the processes' own user + system time from /proc, every thread) are the steadier figures.`,
    '',
    `**Workload:** the render benchmark's ${ARTWORK_SIDE}×${ARTWORK_SIDE} JPEG artwork (${(r.artworkBytes / 2 ** 20).toFixed(2)} MB), inline as base64, into every smart object, fit \`cover\`, export JPEG q90 at ${SIZE} px. Each case gets its own copy of the artwork (a 16 px corner patch recoloured), so no case reuses another's cached decode. Renders of a case: item i is the (i mod 4)-th built-in in slug order, the t-shirt cycling through its 9 product colours — 10: ${mix(10)}; 100: ${mix(100)} (so the 100 repeat identical renders). A batch is one \`POST /api/v1/renders/batch?wait=${WAIT_S}\` (one artwork, \`items\`, \`render_webhooks: false\`), then \`GET /api/v1/batches/{uuid}?wait=${WAIT_S}\` until \`finished\`; the singles are the same renders as \`POST /api/v1/renders?wait=${WAIT_S}\`, ${r.flight} in flight, each uploading the artwork again. Templates were warmed up first. "One cold single" is a render with an artwork the worker has not seen, one at a time (${r.singleRounds} per template, median); a batch is held against the mean of those over its own mix of templates (wall: median per template; CPU: mean, as /proc counts it in 10 ms ticks). The last four columns come from the renders' own timestamps: the server's span (first \`created_at\` to last \`completed_at\`), the mean wait from \`created_at\` to \`started_at\`, the mean \`started_at\` to \`completed_at\`, and how many renders ran at once on average (summed running time ÷ first start to last completion).`,
    '',
    '| one cold single render | renders | wall ms (p50) | worker CPU ms | gateway CPU ms |',
    '|---|---:|---:|---:|---:|',
    ...singleRows,
    '',
    '| case | wall s | renders/s | worker CPU ms / render | gateway CPU ms / render | key-service CPU ms / render | server span s | queued ms (mean) | running ms (mean) | running at once |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...caseRows,
    '',
    "### Goal (issue 24: batch of 10 ≤ 3× one render, per-render CPU in a batch ≤ 40 % of a single's)",
    '',
    ...goals,
    `- Every render of every case succeeded (a failure stops the run). The whole run took ${r.durationS.toFixed(0)} s, start-up included.`,
  ].join('\n');
}

async function cleanup() {
  const stack = await starting?.catch(() => undefined);
  await stack?.stop();
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
