// End-to-end render benchmark (issue 5): `POST /api/v1/renders?wait=30` until the render has
// `succeeded`, at 1000 px, against the built services on 127.0.0.1 (key-service, gateway and
// `--workers` render-worker processes), a throwaway database and Redis prefix. Measures the
// latency of one render at a time (p50/p95 per template), then renders per second with several
// clients in flight. Writes the "### End to end" subsection of the render section of
// infra/bench/RESULTS.md. Bounded: every request times out, and the whole run has a deadline.
//
//   npm run build && node infra/bench/e2e-render/run.mjs [--seconds 20] [--clients 8] [--no-write]
import { Buffer } from 'node:buffer';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { ROOT, startPlatenStack } from '../platen-stack.mjs';
import { ARTWORK_SIDE, createBenchArtwork } from '../render/artwork.mjs';
import { percentile } from '../render/measure.mjs';
import { E2E_SUBSECTION, writeSubsection } from '../render/results-file.mjs';

const { fetch, AbortController, AbortSignal } = globalThis;

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
  --clients N        requests in flight for the throughput run (default 8)
  --seconds N        length of the throughput run (default 20)
  --no-write         print only; do not write RESULTS.md`;

/** Aborted at the deadline: a stack still starting then cleans up after itself. */
const abort = new AbortController();
/** The stack, once its start has begun: cleanup() waits for a start in progress, then stops it. */
let starting;

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
      seconds: { type: 'string', default: '20' },
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
  const seconds = count('seconds', 1, 300);
  const concurrency = values.concurrency === undefined ? null : count('concurrency', 1, 64);
  const slugs = values.templates.split(',').map((slug) => slug.trim());

  const began = Date.now();
  const loadStart = loadavg();
  starting = startPlatenStack({
    name: 'e2e',
    log,
    workers,
    workerConcurrency: concurrency,
    stopGraceMs: 30_000,
    signal: abort.signal,
  });
  const { url, apiKey: key } = await starting;
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

  log(`throughput: ${clients} clients for ${seconds} s`);
  const load = { ms: [], failures: [] };
  const runStart = performance.now();
  const stopAt = runStart + seconds * 1000;
  let next = 0;
  let lastEnd = runStart;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < stopAt) {
        const { body } = bodies[next++ % bodies.length];
        try {
          load.ms.push((await renderOnce(url, headers, body)).ms);
        } catch (error) {
          load.failures.push(error.message);
        }
        lastEnd = Math.max(lastEnd, performance.now());
      }
    }),
  );
  const elapsedS = (lastEnd - runStart) / 1000;
  const perSecond = load.ms.length / elapsedS;
  log(`throughput: ${perSecond.toFixed(1)} renders/s, ${load.failures.length} failed`);

  const section = report({
    workers,
    concurrency,
    sequential,
    clients,
    seconds,
    artworkBytes: artwork.length,
    latency,
    load,
    elapsedS,
    perSecond,
    loadStart,
    loadEnd: loadavg(),
    durationS: (Date.now() - began) / 1000,
  });
  process.stdout.write(`\n${section}\n`);
  if (!values['no-write']) {
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
    `Key-service, gateway and ${r.workers} render-worker processes (WORKER_CONCURRENCY ${r.concurrency ?? 'default (2)'}) built from this tree, each a child process on 127.0.0.1, not pinned; local Postgres and Redis; local storage. ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, node ${process.version}; load average ${r.loadStart.map((n) => n.toFixed(2)).join(' ')} at start, ${r.loadEnd.map((n) => n.toFixed(2)).join(' ')} at end (shared machine). Each request uploads the ${ARTWORK_SIDE}×${ARTWORK_SIDE} JPEG artwork of the render benchmark inline (${(r.artworkBytes / 2 ** 20).toFixed(2)} MB, base64 in the JSON body) into every smart object, fit \`cover\`, export JPEG q90 at ${SIZE} px; the time is the client's, from sending the POST to the 200 with the succeeded render (upload, auth, charge, queue, artwork parked and read back, compose, encode, storage, the wait's notification). Templates were warmed up first (every worker prepares a template on its first render of it).`,
    '',
    '| template | renders, one at a time | p50 ms | p95 ms | result checked |',
    '|---|---:|---:|---:|---|',
    ...rows,
    '',
    loaded
      ? `- Throughput: **${r.perSecond.toFixed(1)} renders/s** with ${r.clients} requests in flight for ${r.seconds} s (templates alternating): ${r.load.ms.length} succeeded in ${r.elapsedS.toFixed(1)} s, ${r.load.failures.length} failed${r.load.failures.length ? ` (first: ${r.load.failures[0]})` : ''}; latency under that load p50 ${percentile(r.load.ms, 50).toFixed(0)} ms, p95 ${percentile(r.load.ms, 95).toFixed(0)} ms.`
      : `- Throughput: no render succeeded in the ${r.seconds} s run (${r.load.failures.length} failed: ${r.load.failures[0] ?? 'none started'}).`,
    `- The whole run took ${r.durationS.toFixed(0)} s, start-up included.`,
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
