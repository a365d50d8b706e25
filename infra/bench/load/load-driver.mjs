// The load benchmark (issue #9) and its soak variant share this driver: key-service, gateway and
// render-workers (from dist) as children on 127.0.0.1, a throwaway database and Redis prefix, one key
// with a rate limit far above the traffic and credits for every render; then mixed traffic (GETs of
// the mockup list and render POSTs without ?wait) at one rate for a fixed time, sampling every second
// the render queue, renders per status and each process's memory; then the queue drains. Without a
// given rate, short probes first find the highest rate the machine sustains: GET p99 under 100 ms, no
// errors, and the renders keep up (the backlog does not grow). Everything is bounded by a deadline
// and cleaned up. Writes a section of infra/bench/RESULTS.md and the queue-depth plot (PNG).
// LOAD_JEMALLOC_STATS=1 adds jemalloc's totals as each worker exits after the drain (allocated, the
// memory in use, beside resident, what the allocator holds); the workers must run on jemalloc.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { Redis } from 'ioredis';
import pg from 'pg';
import { writeSection } from '../gateway/results-section.mjs';
import { cpuSeconds } from '../gateway/process-cpu.mjs';
import { writeQueuePlot } from './plot.mjs';
import {
  failedRendersByCode,
  anonymousRest,
  nativeRest,
  queueDepth,
  rendersByStatus,
  rssBytes,
  rssKinds,
  workerMemory,
} from './samplers.mjs';
import { ROOT, startPlatenStack } from '../platen-stack.mjs';
import { createTrafficAgent, mixedTraffic, posterRenderRequest } from './traffic.mjs';

const { AbortController } = globalThis;

const GET_P99_LIMIT_MS = 100;

function envNumber(name, fallback, { min = 0, max = Infinity } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number in ${min}–${max}`);
  return n;
}

const GET_SHARE = envNumber('LOAD_GET_SHARE', 0.8, { min: 0.05, max: 1 });

const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const mb = (bytes) => (bytes === null || bytes === undefined ? '–' : fmt(bytes / 2 ** 20, 0));
const JEMALLOC_STATS_AT_EXIT = 'stats_print:true,stats_print_opts:gmdablxe';
const JEMALLOC_TOTALS =
  /Allocated: (\d+), active: (\d+), metadata: (\d+).*?, resident: (\d+), mapped: (\d+), retained: (\d+)/;

/** Stops each worker and reads the totals jemalloc prints as it exits (MALLOC_CONF stats_print). */
async function jemallocTotalsAtExit(stack, workers) {
  const totals = [];
  for (const worker of workers) {
    await stack.services.stop(worker);
    const found = JEMALLOC_TOTALS.exec(worker.output());
    const [allocated, active, metadata, resident, mapped, retained] = found?.slice(1).map(Number) ?? [];
    totals.push({
      name: worker.name,
      totals: found ? { allocated, active, metadata, resident, mapped, retained } : null,
    });
  }
  return totals;
}

/** The worker readings' parts that are computed from the others. */
const DERIVED_WORKER_PARTS = { native: nativeRest, anonymous: anonymousRest };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * name: 'load' | 'soak' (log prefix, Redis/database names); heading: the RESULTS.md section;
 * defaultSeconds: LOAD_SECONDS unless set; plotFile: the PNG, relative to infra/bench/.
 */
export async function runLoadBenchmark({ name, heading, defaultSeconds, plotFile, command }) {
  const config = {
    seconds: envNumber('LOAD_SECONDS', defaultSeconds, { min: 5, max: 4 * 3600 }),
    rate: envNumber('LOAD_RATE', null, { min: 1, max: 100_000 }),
    workers: envNumber('LOAD_WORKERS', 2, { min: 1, max: 8 }),
    probeSeconds: envNumber('LOAD_PROBE_SECONDS', 20, { min: 5, max: 120 }),
    searchStart: envNumber('LOAD_SEARCH_START', 20, { min: 1, max: 100_000 }),
    searchMax: envNumber('LOAD_SEARCH_MAX', 5_000, { min: 1, max: 100_000 }),
    drainSeconds: envNumber('LOAD_DRAIN_SECONDS', 180, { min: 0, max: 3600 }),
    renderSize: envNumber('LOAD_RENDER_SIZE', 1000, { min: 100, max: 4000 }),
    workerNice: envNumber('LOAD_WORKER_NICE', 10, { min: 0, max: 19 }),
    // jemalloc's own totals as each worker exits (allocated vs resident: live memory vs what the
    // allocator keeps); only with jemalloc as the workers' malloc.
    jemallocStats: process.env.LOAD_JEMALLOC_STATS === '1',
    results: process.env.LOAD_RESULTS_FILE ?? join(ROOT, 'infra/bench/RESULTS.md'),
    plot: process.env.LOAD_PLOT_FILE ?? join(ROOT, 'infra/bench', plotFile),
  };
  const running = new Set();
  const clients = [];
  /** Aborted at the deadline: a stack still starting then cleans up after itself. */
  const abort = new AbortController();
  /** The stack, once its start has begun: cleanup() waits for a start in progress, then stops it. */
  let starting;
  const log = (message) => process.stderr.write(`[bench:${name}] ${message}\n`);

  // Start-up, a rate search of at most ~12 probes with their drains, the run and its drain.
  const searchBudgetS = config.rate ? 0 : 12 * (config.probeSeconds + 60);
  const deadlineMs = (600 + searchBudgetS + config.seconds + config.drainSeconds) * 1000;
  let deadlineTimer;
  const deadline = new Promise((_resolve, reject) => {
    deadlineTimer = setTimeout(() => {
      abort.abort(new Error('the deadline passed'));
      for (const stop of running) stop();
      reject(new Error(`deadline of ${deadlineMs / 1000} s passed`));
    }, deadlineMs);
  });

  async function main() {
    const began = Date.now();
    starting = startPlatenStack({
      name,
      log,
      workers: config.workers,
      // Renders are batch work: on a machine shared with the API they yield the CPU to it, as
      // separate worker machines would (LOAD_WORKER_NICE=0 lets them compete).
      workerNice: config.workerNice,
      ...(config.jemallocStats ? { workerEnv: { MALLOC_CONF: JEMALLOC_STATS_AT_EXIT } } : {}),
      stopGraceMs: 20_000,
      signal: abort.signal,
    });
    const stack = await starting;
    const { url, apiKey: key, redisPrefix } = stack;
    const { keyService, gateway, workers } = stack.processes;
    const processes = [keyService, gateway, ...workers];
    const account = { id: stack.accountId };

    const { headers, renderBody } = await posterRenderRequest({ url, apiKey: key, size: config.renderSize });

    const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 1 });
    clients.push(() => redis.disconnect());
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    clients.push(() => db.end());
    const bull = `${redisPrefix}:bull`;
    const depth = () => queueDepth(redis, bull, 'renders');
    const succeeded = async () => (await rendersByStatus(db, account.id)).succeeded ?? 0;

    async function drain(limitS) {
      const until = Date.now() + limitS * 1000;
      for (;;) {
        const { waiting, active } = await depth();
        if (waiting + active === 0) return true;
        if (Date.now() > until) return false;
        await sleep(1_000);
      }
    }

    const agent = createTrafficAgent();
    clients.push(() => agent.destroy());
    const traffic = (rate, seconds) =>
      mixedTraffic({ agent, url, headers, renderBody, rate, getShare: GET_SHARE, seconds, running });

    // Warm-up: every worker prepares the template on its first render, the gateway's caches fill.
    log('warming up');
    await traffic(Math.max(5, config.searchStart), 5);
    await drain(120);

    /** One probe: does `rate` hold for `probeSeconds`? */
    async function probe(rate) {
      const before = await depth();
      const doneBefore = await succeeded();
      const result = await traffic(rate, config.probeSeconds);
      const after = await depth();
      const completed = (await succeeded()) - doneBefore;
      const backlogGrowth = after.waiting - before.waiting;
      // Allowed: a few seconds' worth of renders in the queue at the end (jobs arriving meanwhile).
      const backlogOk = backlogGrowth <= Math.max(10, 3 * result.postRate);
      const ok =
        result.get.p99 < GET_P99_LIMIT_MS &&
        result.get.errors + result.post.errors === 0 &&
        result.post.limited === 0 &&
        backlogOk;
      log(
        `probe ${fmt(rate)} req/s: GET p99 ${fmt(result.get.p99, 1)} ms, ${fmt(result.post.okPerSecond, 1)} renders accepted/s, ${fmt(completed / result.seconds, 1)} completed/s, backlog ${backlogGrowth >= 0 ? '+' : ''}${backlogGrowth}, errors ${result.get.errors + result.post.errors}: ${ok ? 'holds' : 'does not hold'}`,
      );
      await drain(60);
      return {
        rate,
        ok,
        getP99: result.get.p99,
        backlogGrowth,
        completedPerSecond: completed / result.seconds,
      };
    }

    const probes = [];
    let rate = config.rate;
    if (!rate) {
      log(`searching the rate: ${config.probeSeconds} s probes from ${config.searchStart} req/s`);
      let good = null;
      let bad = null;
      for (let r = config.searchStart; r <= config.searchMax; r = Math.ceil(r * 1.5)) {
        const p = await probe(r);
        probes.push(p);
        if (!p.ok) {
          bad = r;
          break;
        }
        good = r;
      }
      // Two halvings between the last rate that held and the first that did not.
      for (let i = 0; i < 2 && good !== null && bad !== null && bad - good > 2; i++) {
        const mid = Math.round((good + bad) / 2);
        const p = await probe(mid);
        probes.push(p);
        if (p.ok) good = mid;
        else bad = mid;
      }
      rate = good ?? Math.max(1, Math.floor(config.searchStart / 2));
      log(`sustained rate: ${rate} req/s${good === null ? ' (even the first probe did not hold)' : ''}`);
    }

    // The run itself, sampled every second.
    const samples = [];
    const memory = () => Object.fromEntries(processes.map((proc) => [proc.name, rssBytes(proc.child.pid)]));
    const memStart = memory();
    const cpuStart = Object.fromEntries(processes.map((proc) => [proc.name, cpuSeconds(proc.child.pid)]));
    const succeededStart = await succeeded();
    const loadStart = loadavg();
    const t0 = Date.now();
    const startedAt = new Date(t0).toISOString().slice(0, 16).replace('T', ' ');
    let sampling = true;
    let lastDone = succeededStart;
    const peakRss = {};
    // The workers' own heap/external readings, every 5 s (a scrape costs the worker a little CPU);
    // in flight beside the 1 s loop so a slow answer does not delay it.
    const WORKER_SCRAPE_EVERY = 5;
    const scrapes = [];
    let ticks = 0;
    const sampler = (async () => {
      while (sampling) {
        const tick = Date.now();
        const scrape =
          ticks++ % WORKER_SCRAPE_EVERY === 0
            ? Promise.all(workers.map((w) => workerMemory(w.metricsUrl)))
            : null;
        const [{ waiting, active }, done] = await Promise.all([depth(), succeeded()]);
        const rss = {};
        for (const proc of processes) {
          rss[proc.name] = rssBytes(proc.child.pid);
          peakRss[proc.name] = Math.max(peakRss[proc.name] ?? 0, rss[proc.name] ?? 0);
        }
        const sample = { t: (tick - t0) / 1000, waiting, active, completed: done - lastDone, rss };
        samples.push(sample);
        if (scrape)
          scrapes.push(
            scrape.then((readings) => {
              sample.workers = Object.fromEntries(
                workers.map((w, i) => [w.name, readings[i] && { ...readings[i], ...rssKinds(w.child.pid) }]),
              );
            }),
          );
        lastDone = done;
        await sleep(Math.max(0, 1_000 - (Date.now() - tick)));
      }
    })();
    log(`running ${fmt(rate)} req/s (${GET_SHARE * 100} % GETs) for ${config.seconds} s`);
    let result;
    try {
      result = await traffic(rate, config.seconds);
    } catch (error) {
      sampling = false;
      await sampler;
      throw error;
    }
    const trafficSeconds = (Date.now() - t0) / 1000;
    const slowSeconds = result.perSecond.flatMap((bucket, second) =>
      bucket && bucket.getMaxMs >= GET_P99_LIMIT_MS ? [`${second}s:${Math.round(bucket.getMaxMs)}ms`] : [],
    );
    if (slowSeconds.length) log(`seconds with a GET ≥ ${GET_P99_LIMIT_MS} ms: ${slowSeconds.join(' ')}`);
    const memEnd = memory();
    const cpuEnd = Object.fromEntries(processes.map((proc) => [proc.name, cpuSeconds(proc.child.pid)]));
    const loadEnd = loadavg();
    const succeededAtStop = await succeeded();
    const depthAtStop = await depth();
    log(
      `traffic done: GET p99 ${fmt(result.get.p99, 1)} ms, ${fmt(result.post.okPerSecond, 1)} renders accepted/s; draining the queue (${depthAtStop.waiting} waiting)`,
    );
    const drained = await drain(config.drainSeconds);
    const drainSeconds = (Date.now() - t0) / 1000 - trafficSeconds;
    sampling = false;
    await sampler;
    await Promise.all(scrapes);
    const statuses = await rendersByStatus(db, account.id);
    const allocatorTotals = config.jemallocStats ? await jemallocTotalsAtExit(stack, workers) : [];
    const failedByCode = statuses.failed ? await failedRendersByCode(db, account.id) : {};

    // Accepted per second from the answers (bucketed by second of the run), completed from the samples.
    samples.forEach((sample) => {
      const bucket = result.perSecond[Math.floor(sample.t) - 1];
      sample.accepted = sample.t <= trafficSeconds + 1 ? (bucket?.accepted ?? 0) : 0;
    });
    await writeQueuePlot(config.plot, {
      samples,
      trafficSeconds,
      title: `Platen ${name}: ${fmt(rate)} req/s (${GET_SHARE * 100} % GET, ${100 - GET_SHARE * 100} % render POST) for ${fmt(config.seconds)} s, then draining`,
    });

    const cpu = cpus();
    const completedPerSecond = (succeededAtStop - succeededStart) / trafficSeconds;
    const maxWaiting = Math.max(...samples.map((s) => s.waiting));
    const kindRow = (label, k, okStatus) =>
      `| ${label} | ${fmt(k.perSecond, 1)} | ${fmt(k.p50, 1)} | ${fmt(k.p99, 1)} | ${fmt(k.max, 0)} | ${fmt(k.answered)} | ${fmt(k.statuses[okStatus] ?? 0)} | ${fmt(k.limited)} | ${fmt(k.errors)} |`;
    // Start and end RSS are single readings (the garbage collector's timing moves them by tens of MB);
    // the medians of the traffic's first and last tenth say whether memory grew over the run.
    const tenth = (from, to) =>
      samples.filter((sample) => sample.t >= from * trafficSeconds && sample.t <= to * trafficSeconds);
    const medianRss = (name, part) => {
      const values = part
        .map((sample) => sample.rss[name])
        .filter((n) => n != null)
        .sort((a, b) => a - b);
      return values.length ? values[Math.floor(values.length / 2)] : null;
    };
    const tenths = Array.from({ length: 10 }, (_, i) => tenth(i / 10, (i + 1) / 10));
    /** Median of one part of a worker's own readings: heapUsed, external or native (the rest of RSS). */
    const medianWorker = (name, part, kind) => {
      const values = part
        .map((sample) => sample.workers?.[name])
        .filter(Boolean)
        .map((m) => (DERIVED_WORKER_PARTS[kind] ?? ((reading) => reading[kind]))(m))
        .filter((n) => Number.isFinite(n))
        .sort((a, b) => a - b);
      return values.length ? values[Math.floor(values.length / 2)] : null;
    };
    const WORKER_PARTS = [
      ['heapUsed', 'JS heap in use'],
      ['heapTotal', 'JS heap reserved'],
      ['external', 'external (Buffers)'],
      ['threadsHeapUsed', 'kernel threads: JS heap in use'],
      ['threadsHeapTotal', 'kernel threads: JS heap reserved'],
      ['native', 'RSS − heaps reserved − external'],
      ['rssFile', '… of it file-backed (code as it is touched)'],
      ['anonymous', '… of it anonymous (malloc: libvips, Node)'],
    ];
    const workerRows = (cells) =>
      workers.flatMap((w) =>
        WORKER_PARTS.map(([kind, label]) => `| ${w.name}: ${label} | ${cells(w.name, kind)} |`),
      );
    const firstTenth = tenth(0, 0.1);
    const lastTenth = tenth(0.9, 1);
    const memRow = (proc) => {
      const start = memStart[proc.name];
      const end = memEnd[proc.name];
      const spent =
        cpuEnd[proc.name] === null || cpuStart[proc.name] === null
          ? null
          : cpuEnd[proc.name] - cpuStart[proc.name];
      const growth = start && end ? `${(((end - start) / start) * 100).toFixed(1)} %` : '–';
      const early = medianRss(proc.name, firstTenth);
      const late = medianRss(proc.name, lastTenth);
      const trend = early && late ? `${(((late - early) / early) * 100).toFixed(1)} %` : '–';
      return `| ${proc.name} | ${mb(start)} | ${mb(end)} | ${growth} | ${mb(early)} | ${mb(late)} | ${trend} | ${mb(peakRss[proc.name])} | ${spent === null ? '–' : fmt((spent / trafficSeconds) * 100)} % |`;
    };
    const totalErrors = result.get.errors + result.post.errors + (statuses.failed ?? 0);
    const kindList = (kinds) =>
      Object.entries(kinds)
        .sort((a, b) => b[1] - a[1])
        .map(([kind, n]) => `${fmt(n)} × ${kind}`)
        .join(', ') || 'none';
    const body = [
      `Run ${startedAt} UTC with \`${command}\`: key-service, gateway and ${config.workers} render-worker processes (default concurrency${config.workerNice > 0 ? `, nice ${config.workerNice}: renders yield the CPU to the API, as on separate worker machines` : ''}) built from this tree, each a child process on 127.0.0.1; local Postgres and Redis; local storage. Traffic on loopback from the bench process, open loop at a steady rate (requests start on schedule whether or not earlier ones were answered; node:http, kept-alive connections; see traffic.mjs for why not autocannon's \`overallRate\`): ${GET_SHARE * 100} % \`GET /api/v1/mockups\`, ${fmt(100 - GET_SHARE * 100)} % \`POST /api/v1/renders\` (no \`?wait\`; poster-on-wall, inline 1×1 PNG, JPEG at ${config.renderSize} px); one key with a rate limit far above the traffic.`,
      `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, shared with other engineers' builds and tests; load average (1/5/15 min) ${loadStart.map((n) => n.toFixed(2)).join(' / ')} at the start of the run, ${loadEnd.map((n) => n.toFixed(2)).join(' / ')} at its end. Node ${process.version}.`,
      '',
      config.rate
        ? `Rate: **${fmt(rate)} req/s**, given as \`LOAD_RATE\`.`
        : `Rate: **${fmt(rate)} req/s** (${fmt(rate * GET_SHARE)} GETs/s + ${fmt(rate * (1 - GET_SHARE))} renders/s), the highest of the probes below that held: ${config.probeSeconds} s each, holding means GET p99 < ${GET_P99_LIMIT_MS} ms, no errors and a render backlog that did not grow by more than ~3 s of POSTs.`,
      ...(probes.length
        ? [
            '',
            '| probe req/s | GET p99 ms | renders completed/s | backlog change | holds |',
            '|---:|---:|---:|---:|---|',
            ...probes.map(
              (p) =>
                `| ${fmt(p.rate)} | ${fmt(p.getP99, 1)} | ${fmt(p.completedPerSecond, 1)} | ${p.backlogGrowth >= 0 ? '+' : ''}${fmt(p.backlogGrowth)} | ${p.ok ? 'yes' : 'no'} |`,
            ),
          ]
        : []),
      '',
      `The run: ${fmt(trafficSeconds, 0)} s of traffic; the load generator used ${fmt(result.clientCpuShare * 100)} % of one core.`,
      '',
      '| requests | answered/s | p50 ms | p99 ms | max ms | answered | 200/202 | 429 | errors |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      kindRow('`GET /api/v1/mockups`', result.get, 200),
      kindRow('`POST /api/v1/renders`', result.post, 202),
      '',
      `- GET p99: **${fmt(result.get.p99, 1)} ms** (limit ${GET_P99_LIMIT_MS} ms: ${result.get.p99 < GET_P99_LIMIT_MS ? 'held' : '**exceeded**'}).`,
      `- Renders accepted: **${fmt(result.post.okPerSecond, 1)} /s**; completed (succeeded) during the traffic: **${fmt(completedPerSecond, 1)} /s**. Queue: at most ${fmt(maxWaiting)} waiting, ${fmt(depthAtStop.waiting)} waiting when the traffic stopped; ${drained ? `empty ${fmt(drainSeconds, 0)} s later` : `**not empty** after ${fmt(config.drainSeconds)} s of draining`}.`,
      `- Every render of the benchmark (warm-up${probes.length ? ', probes' : ''} and run) by final status: ${Object.entries(
        statuses,
      )
        .map(([status, n]) => `${status} ${fmt(n)}`)
        .join(', ')}.`,
      `- Errors (answers other than 2xx/429, connection errors, timeouts, failed renders): **${fmt(totalErrors)}**; 429s: ${fmt(result.get.limited + result.post.limited)}.`,
      `- Errors by kind: GETs ${kindList(result.get.errorKinds)}; POSTs ${kindList(result.post.errorKinds)}; failed renders by error code ${kindList(failedByCode)}.`,
      '',
      `![render queue depth and renders per second over the run](${config.plot.startsWith(join(ROOT, 'infra/bench/')) ? config.plot.slice(join(ROOT, 'infra/bench/').length) : config.plot})`,
      '',
      "Memory (resident set, MB) of each process at the start and the end of the traffic, the median of the per-second readings over the traffic's first and last tenth (the trend: single readings move with the garbage collector), its peak over the run and drain, and its CPU over the traffic (share of one core):",
      '',
      '| process | RSS start | RSS end | change | median, first tenth | median, last tenth | trend | peak | CPU |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...processes.map(memRow),
      '',
      'Resident set (MB) over the traffic, median of the per-second readings in each tenth of it (a leak climbs from tenth to tenth; a cache or heap settling levels off):',
      '',
      `| process | ${tenths.map((_, i) => `${i * 10}–${i * 10 + 10} %`).join(' | ')} |`,
      `|---|${tenths.map(() => '---:').join('|')}|`,
      ...processes.map(
        (proc) => `| ${proc.name} | ${tenths.map((part) => mb(medianRss(proc.name, part))).join(' | ')} |`,
      ),
      '',
      "The render-workers' own readings (their metrics: `nodejs_heap_size_used_bytes`, `nodejs_heap_size_total_bytes`, `nodejs_external_memory_bytes`, `render_kernel_threads_heap_bytes` (the compositor's kernel threads, which the nodejs_ ones leave out), `process_resident_memory_bytes`, every 5 s), MB, median in each tenth of the traffic. A leak in JavaScript climbs in a heap in use; Buffers held from JavaScript in external; libvips or the allocator in the rest of the resident set:",
      '',
      `| worker: part | ${tenths.map((_, i) => `${i * 10}–${i * 10 + 10} %`).join(' | ')} |`,
      `|---|${tenths.map(() => '---:').join('|')}|`,
      ...workerRows((name, kind) => tenths.map((part) => mb(medianWorker(name, part, kind))).join(' | ')),
      '',
      `- Render-workers' allocator: ${stack.workerAllocator}.`,
      ...allocatorTotals.map(
        ({ name: worker, totals }) =>
          `- jemalloc's totals as ${worker} exited after the drain (MB): ${
            totals
              ? Object.entries(totals)
                  .map(([kind, bytes]) => `${kind} ${mb(bytes)}`)
                  .join(', ')
              : 'not printed (is jemalloc its malloc?)'
          }.`,
      ),
      '',
      `- The whole run took ${fmt((Date.now() - began) / 1000, 0)} s, start-up${probes.length ? ' and rate search' : ''} included.`,
    ].join('\n');
    await writeSection(config.results, heading, body);
    process.stdout.write(`${body}\n`);
    log(`done in ${((Date.now() - began) / 1000).toFixed(0)} s; plot: ${config.plot}`);
  }

  async function cleanup() {
    clearTimeout(deadlineTimer);
    for (const stop of running) stop();
    for (const close of clients) await Promise.resolve(close()).catch(() => undefined);
    const stack = await starting?.catch(() => undefined);
    await stack?.stop();
  }

  try {
    const work = main();
    work.catch(() => undefined); // after a deadline it fails on its own; the race has reported already
    await Promise.race([work, deadline]);
  } catch (error) {
    log(`failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
