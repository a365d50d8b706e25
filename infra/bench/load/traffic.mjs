// Mixed traffic at a steady rate, open loop: requests start on a schedule (every few milliseconds, as
// many as are due), whether or not earlier ones have been answered, so a slow server shows up as
// latency instead of as fewer requests. Of every five requests four are GET /api/v1/mockups and one
// is POST /api/v1/renders (no ?wait) at an 80 % GET share; node:http with kept-alive connections on
// loopback. (autocannon's overallRate sends each connection's whole quota at the start of every
// second: at 120 req/s over 64 connections that alone measured a 38 ms p50 against 1.9 ms when
// paced, so it cannot tell what a steady rate costs.)
import { Buffer } from 'node:buffer';
import { Agent, request } from 'node:http';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { URL } from 'node:url';
import { percentile } from '../gateway/load-rounds.mjs';

const REQUEST_TIMEOUT_MS = 10_000;
const TICK_MS = 5;
/** Requests in flight beyond this are not started but counted as errors (bounds the client's memory). */
const MAX_IN_FLIGHT = 4_000;

function tally() {
  return { latencies: [], statuses: {}, errors: 0, timeouts: 0, notSent: 0, errorKinds: {} };
}

/** Counts one error under its kind (`HTTP 500 INTERNAL`, `connection ECONNRESET`, `timeout`...). */
function countKind(counts, kind) {
  counts.errorKinds[kind] = (counts.errorKinds[kind] ?? 0) + 1;
}

/** The contract's error code of an error answer's body (`{ "error": { "code" } }`), if it has one. */
function errorCode(body) {
  try {
    return JSON.parse(body)?.error?.code ?? null;
  } catch {
    return null;
  }
}

function send(agent, target, { method, path, headers, body }) {
  return new Promise((resolve) => {
    const began = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - began) / 1e6;
    const req = request(
      { agent, host: target.hostname, port: target.port, method, path, headers, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        // Only an error answer's body is kept (its code says what went wrong); the rest is drained.
        const failed = res.statusCode >= 300 && res.statusCode !== 429;
        let body = '';
        if (failed) res.on('data', (chunk) => (body.length < 4096 ? (body += chunk) : undefined));
        else res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode, ms: elapsed(), code: failed ? errorCode(body) : null }),
        );
        res.on('error', (error) =>
          resolve({ error: 'response', detail: error.code ?? error.message, ms: elapsed() }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) =>
      resolve(
        error.message === 'timeout'
          ? { error: 'timeout' }
          : { error: 'connection', detail: error.code ?? error.message },
      ),
    );
    req.end(body);
  });
}

/** The client's connections, kept alive across the phases of a run (warm-up, probes, the run). */
export function createTrafficAgent() {
  return new Agent({ keepAlive: true, maxSockets: 256 });
}

/**
 * Runs `seconds` of traffic at `rate` requests/s in total, `getShare` of them GETs, over `agent`.
 * `running` (a Set) holds a stop function while it runs, so a deadline can end it.
 */
export async function mixedTraffic({ agent, url, headers, renderBody, rate, getShare, seconds, running }) {
  const target = new URL(url);
  const get = { method: 'GET', path: '/api/v1/mockups', headers };
  const post = {
    method: 'POST',
    path: '/api/v1/renders',
    headers: {
      ...headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(renderBody),
    },
    body: renderBody,
  };
  // Every `postEvery`-th request is a POST (5 at an 80 % GET share); none at 100 %.
  const postEvery = getShare >= 1 ? Infinity : Math.round(1 / (1 - getShare));
  const kinds = { get: tally(), post: tally() };
  const perSecond = [];
  const started = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - started) / 1e9;
  const bucket = (s) =>
    (perSecond[Math.floor(s)] ??= { get: 0, accepted: 0, limited: 0, other: 0, getMaxMs: 0 });
  const cpuBefore = process.cpuUsage();
  let sent = 0;
  let inFlight = 0;
  const pending = new Set();

  function fire() {
    const isPost = (sent + 1) % postEvery === 0;
    sent++;
    const kind = isPost ? 'post' : 'get';
    const counts = kinds[kind];
    if (inFlight >= MAX_IN_FLIGHT) {
      counts.notSent++;
      countKind(counts, `not sent (${MAX_IN_FLIGHT} in flight)`);
      return;
    }
    inFlight++;
    const sentAt = since();
    const done = send(agent, target, isPost ? post : get).then((outcome) => {
      inFlight--;
      pending.delete(done);
      const b = bucket(sentAt);
      if (outcome.error) {
        if (outcome.error === 'timeout') counts.timeouts++;
        else counts.errors++;
        countKind(counts, outcome.detail ? `${outcome.error} ${outcome.detail}` : outcome.error);
        b.other++;
        return;
      }
      counts.latencies.push(outcome.ms);
      counts.statuses[outcome.status] = (counts.statuses[outcome.status] ?? 0) + 1;
      if (kind === 'get') b.getMaxMs = Math.max(b.getMaxMs, outcome.ms);
      const isOk = outcome.status === (kind === 'get' ? 200 : 202);
      if (!isOk && outcome.status !== 429)
        countKind(counts, `HTTP ${outcome.status} ${outcome.code ?? '(no code)'}`);
      if (outcome.status === 429) b.limited++;
      else if (kind === 'get' && outcome.status === 200) b.get++;
      else if (kind === 'post' && outcome.status === 202) b.accepted++;
      else b.other++;
    });
    pending.add(done);
  }

  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = since();
      const due = Math.floor(Math.min(elapsed, seconds) * rate);
      while (sent < due) fire();
      if (elapsed >= seconds) stop();
    }, TICK_MS);
    function stop() {
      clearInterval(timer);
      running.delete(stop);
      resolve();
    }
    running.add(stop);
  });
  const sendingSeconds = since();
  await Promise.all(pending); // each is bounded by the request timeout
  const cpu = process.cpuUsage(cpuBefore);
  return {
    seconds: sendingSeconds,
    getRate: rate * Math.min(1, getShare),
    postRate: Number.isFinite(postEvery) ? rate / postEvery : 0,
    get: summary(kinds.get, sendingSeconds),
    post: summary(kinds.post, sendingSeconds),
    perSecond,
    /** Share of one core the load generator (this process) used. */
    clientCpuShare: (cpu.user + cpu.system) / 1e6 / since(),
  };
}

function summary(counts, seconds) {
  const sorted = Float64Array.from(counts.latencies).sort();
  const answered = counts.latencies.length;
  const limited = counts.statuses[429] ?? 0;
  const ok = (counts.statuses[200] ?? 0) + (counts.statuses[202] ?? 0);
  return {
    answered,
    perSecond: answered / seconds,
    okPerSecond: ok / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    statuses: counts.statuses,
    ok,
    limited,
    /** Answers other than 2xx and 429, connection errors, timeouts and requests never sent. */
    errors: answered - ok - limited + counts.errors + counts.timeouts + counts.notSent,
    connectionErrors: counts.errors,
    timeouts: counts.timeouts,
    /** Every error by kind: `HTTP <status> <code>`, `connection <errno>`, `timeout`, `not sent`. */
    errorKinds: counts.errorKinds,
  };
}

const TINY_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/**
 * The render every load run sends: the poster sample (or the first mockup listed) with a 1×1 PNG
 * in each required smart object, as JPEG at `size` px. Returns the request's headers and JSON body.
 */
export async function posterRenderRequest({ url, apiKey, size }) {
  const headers = { 'x-api-key': apiKey };
  const listed = await (
    await globalThis.fetch(`${url}/api/v1/mockups`, {
      headers,
      signal: globalThis.AbortSignal.timeout(10_000),
    })
  ).json();
  const poster = listed.data.find((m) => m.slug === 'poster-on-wall') ?? listed.data[0];
  const renderBody = JSON.stringify({
    mockup_uuid: poster.uuid,
    smart_objects: poster.smart_objects
      .filter((so) => so.required)
      .map((so) => ({ uuid: so.uuid, asset: { data: TINY_PNG } })),
    export_options: { format: 'jpeg', size },
  });
  return { headers, renderBody };
}
