// autocannon runs, and runs of several targets in alternating rounds: whatever else loads the shared
// machine then falls on every target alike. Latencies of every response are kept, so percentiles over
// several rounds are exact (nearest rank), and the CPU each process spent is added up per target.
import process from 'node:process';
import autocannon from 'autocannon';
import { cpuSnapshot, cpuSpent } from './process-cpu.mjs';

/** One autocannon run; `cpuPids` names the processes whose CPU time is counted. */
export async function run(options, cpuPids) {
  const latencies = [];
  const before = cpuSnapshot(cpuPids);
  const started = process.hrtime.bigint();
  const instance = autocannon(options);
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    requests: result.requests.total,
    seconds,
    latencies,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpu: cpuSpent(before, cpuSnapshot(cpuPids)),
  };
}

function add(total, part) {
  if (!total) return { ...part, latencies: [...part.latencies], cpu: { ...part.cpu } };
  for (const key of ['requests', 'seconds', 'non2xx', 'errors']) total[key] += part[key];
  for (const latency of part.latencies) total.latencies.push(latency);
  for (const [name, seconds] of Object.entries(part.cpu)) {
    total.cpu[name] = total.cpu[name] === null || seconds === null ? null : total.cpu[name] + seconds;
  }
  return total;
}

/**
 * `rounds` rounds over `targets` ({name: autocannon options}), each target `seconds` per round; the
 * order flips every round so neither target always runs first.
 */
export async function interleave(targets, { rounds, seconds, cpuPids, onRound }) {
  const totals = {};
  const names = Object.keys(targets);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const part = await run({ ...targets[name], duration: seconds }, cpuPids);
      totals[name] = add(totals[name], part);
      onRound?.(name, round, part);
    }
  }
  return totals;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** req/s, p50/p99 in ms, and CPU microseconds per request of each process. */
export function summarise(total) {
  const sorted = Float64Array.from(total.latencies).sort();
  const perRequest = {};
  for (const [name, seconds] of Object.entries(total.cpu)) {
    perRequest[name] = seconds === null || total.requests === 0 ? null : (seconds / total.requests) * 1e6;
  }
  return {
    rps: total.requests / total.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    total: total.requests,
    seconds: total.seconds,
    non2xx: total.non2xx,
    errors: total.errors,
    cpuUsPerRequest: perRequest,
    /** Share of one core the bench process (autocannon) used: near 100 % it would be the bottleneck. */
    benchCpuShare: total.cpu.bench / total.seconds,
  };
}
