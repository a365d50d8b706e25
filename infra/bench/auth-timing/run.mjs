// Auth-timing measurement (issue #9; a measurement, not a test): POST /internal/v1/keys/verify on a real
// key-service, N times each for a wrong secret (existing lookup id) and an unknown lookup id, interleaved
// in random order on one kept-alive connection, plus a valid key and a bad-checksum key as controls that
// the method sees a difference where there is one. Prints medians, p90 and Mann-Whitney U / Kolmogorov-Smirnov statistics as
// a markdown section. Starts its own key-service (from dist) on a throwaway database and Redis prefix.
// Usage: npm run build && node infra/bench/auth-timing/run.mjs   (BENCH_N=2000 per series, BENCH_WARMUP=300,
// BENCH_RESULTS_FILE=path also writes the section there; BENCH_DATABASE_URL, BENCH_REDIS_URL as elsewhere)
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import process from 'node:process';
import { generateApiKey, parseApiKey } from '@platen/contracts';
import { startPlatenStack } from '../platen-stack.mjs';
import { describe, kolmogorovSmirnov, mannWhitney } from './stats.mjs';

const N = Math.max(10, Number(process.env.BENCH_N ?? 2000));
const WARMUP = Math.max(0, Number(process.env.BENCH_WARMUP ?? 300));
const RESULTS_FILE = process.env.BENCH_RESULTS_FILE;
const REQUEST_TIMEOUT_MS = 5_000;
const KEY_PREFIX = 'sm_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let stack;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function log(message) {
  process.stderr.write(`[bench:auth-timing] ${message}\n`);
}

/** One POST on the kept-alive socket; resolves with the status, parsed body and elapsed nanoseconds. */
function post(baseUrl, path, token, body) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const elapsed = process.hrtime.bigint() - started;
          try {
            resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString()), elapsed });
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A well-formed key (valid checksum) for `lookupId` with a fresh random secret. */
function keyWithLookupId(lookupId) {
  let call = 0;
  const generated = generateApiKey(KEY_PREFIX, (size) => {
    call += 1;
    if (call > 1) return randomBytes(size);
    const bytes = Buffer.alloc(size);
    [...lookupId].forEach((char, i) => (bytes[i] = BASE62.indexOf(char)));
    return bytes;
  });
  if (generated.lookupId !== lookupId) throw new Error('could not build a key for the lookup id');
  return generated.key;
}

/** The same key with its last checksum character changed: refused before any query. */
function badChecksum(key) {
  return key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
}

/** Fisher-Yates with crypto randomness: the order of the series within each round. */
function shuffled(items) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomBytes(4).readUInt32BE() % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const fmt = (n, digits = 1) =>
  Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const exp = (p) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

async function main() {
  stack = await startPlatenStack({
    name: 'auth',
    log,
    gateway: false,
    keyServiceEnv: { KEY_PREFIX },
    account: { credits: 0, key: { name: 'timing' } },
    stopGraceMs: 15_000,
  });
  const baseUrl = stack.keyServiceUrl;
  const token = await stack.serviceToken();
  const validKey = stack.apiKey;
  const { lookupId } = parseApiKey(validKey, KEY_PREFIX);
  const series = {
    'wrong secret': () => keyWithLookupId(lookupId),
    'unknown lookup id': () => generateApiKey(KEY_PREFIX).key,
    'unknown lookup id again (A/A control)': () => generateApiKey(KEY_PREFIX).key,
    'valid key (control)': () => validKey,
    'bad checksum (control)': () => badChecksum(generateApiKey(KEY_PREFIX).key),
  };
  const expected = {
    'wrong secret': false,
    'unknown lookup id': false,
    'unknown lookup id again (A/A control)': false,
    'valid key (control)': true,
    'bad checksum (control)': false,
  };
  const samples = Object.fromEntries(Object.keys(series).map((name) => [name, []]));
  const names = Object.keys(series);

  const verify = async (name) => {
    const { status, body, elapsed } = await post(baseUrl, '/internal/v1/keys/verify', token, {
      key: series[name](),
    });
    if (status !== 200 || body.data?.valid !== expected[name]) {
      throw new Error(`${name}: unexpected answer ${status} ${JSON.stringify(body)}`);
    }
    return Number(elapsed) / 1_000;
  };

  log(`warm-up: ${WARMUP} rounds; then ${N} rounds of one request per series, in random order`);
  for (let i = 0; i < WARMUP; i++) for (const name of shuffled(names)) await verify(name);
  const loadAtStart = loadavg();
  const began = Date.now();
  for (let i = 0; i < N; i++) {
    for (const name of shuffled(names)) samples[name].push(await verify(name));
  }
  const seconds = (Date.now() - began) / 1000;
  const loadAtEnd = loadavg();

  const stats = Object.fromEntries(names.map((name) => [name, describe(samples[name])]));
  const compare = (a, b) => ({
    mw: mannWhitney(samples[a], samples[b]),
    ks: kolmogorovSmirnov(samples[a], samples[b]),
    medianDiff: stats[a].median - stats[b].median,
  });
  const pairs = [
    ['wrong secret', 'unknown lookup id'],
    ['unknown lookup id again (A/A control)', 'unknown lookup id'],
    ['valid key (control)', 'wrong secret'],
    ['wrong secret', 'bad checksum (control)'],
  ].map(([a, b]) => ({ a, b, ...compare(a, b) }));

  const cpu = cpus();
  const body = [
    `Run ${new Date().toISOString().slice(0, 10)} with \`node infra/bench/auth-timing/run.mjs\` (key-service from dist, one child process on 127.0.0.1, local Postgres and Redis; ${fmt(N, 0)} timed requests per series after ${WARMUP} warm-up rounds, the series interleaved in a fresh random order every round, one request in flight on one kept-alive connection; ${fmt(seconds, 1)} s timed).`,
    `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores (\`nproc\`), shared with other engineers' builds and tests; load average (1/5/15 min) ${loadAtStart.map((n) => n.toFixed(2)).join(' / ')} at the start, ${loadAtEnd.map((n) => n.toFixed(2)).join(' / ')} at the end. Node ${process.version}.`,
    '',
    'Round-trip time of `POST /internal/v1/keys/verify` as the client sees it (µs):',
    '',
    '| series | n | p10 | median | mean | p90 | p99 |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...names.map((name) => {
      const s = stats[name];
      return `| ${name} | ${fmt(s.n, 0)} | ${fmt(s.p10)} | ${fmt(s.median)} | ${fmt(s.mean)} | ${fmt(s.p90)} | ${fmt(s.p99)} |`;
    }),
    '',
    '| comparison | median difference µs | Mann-Whitney z | p | P(first slower) | KS D | KS p |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...pairs.map(
      ({ a, b, mw, ks, medianDiff }) =>
        `| ${a} vs ${b} | ${fmt(medianDiff)} | ${mw.z.toFixed(2)} | ${exp(mw.p)} | ${mw.auc.toFixed(3)} | ${ks.d.toFixed(3)} | ${exp(ks.p)} |`,
    ),
    '',
    '- P(first slower) is U / (n₁·n₂): the chance that a random request of the first series took longer than one of the second. 0.5 means an observer cannot tell them apart by timing; the control rows calibrate it on the same machine and run: A/A is the same work under two labels (where the noise alone lands), a valid key does a little more (builds the full answer), a bad checksum much less (no query, no hash).',
    '- Nothing here is a pass/fail threshold: the structural proof is `services/key-service/test/constant-time-verify.test.ts` (both paths: one query, one SHA-256, one `timingSafeEqual` of two 32-byte buffers).',
  ].join('\n');
  if (RESULTS_FILE) await writeFile(RESULTS_FILE, `## Auth timing\n\n${body}\n`);
  process.stdout.write(`${body}\n`);
}

async function cleanup() {
  agent.destroy();
  await stack?.stop();
}

try {
  await main();
} catch (error) {
  log(`failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
