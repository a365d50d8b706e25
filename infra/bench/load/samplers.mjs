// What the load benchmark samples every second: the render queue's depth (BullMQ's lists and sets in
// Redis, one pipelined round trip), renders per status (Postgres) and each process's resident memory
// (/proc, Linux; null elsewhere), and a render-worker's JS heap and external memory from its metrics.
import { readFileSync } from 'node:fs';

/** Waiting (wait + prioritized + delayed) and active jobs of one BullMQ queue under `bullPrefix`. */
export async function queueDepth(redis, bullPrefix, queue) {
  const key = (part) => `${bullPrefix}:${queue}:${part}`;
  const replies = await redis
    .pipeline()
    .llen(key('wait'))
    .zcard(key('prioritized'))
    .zcard(key('delayed'))
    .llen(key('active'))
    .exec();
  const [wait, prioritized, delayed, active] = replies.map(([error, n]) => {
    if (error) throw error;
    return Number(n);
  });
  return { waiting: wait + prioritized + delayed, active };
}

/** Renders of the account per status: { queued, processing, succeeded, failed }. */
export async function rendersByStatus(client, accountId) {
  const { rows } = await client.query(
    'select status, count(*)::int as n from renders.renders where account_id = $1 group by status',
    [accountId],
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** Fields of /proc/`pid`/status given in kB, in bytes ({ VmRSS: …, … }), or null when unreadable. */
function statusBytes(pid, fields) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  return Object.fromEntries(
    fields.map((field) => {
      const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
      return [field, match ? Number(match[1]) * 1024 : null];
    }),
  );
}

/** Resident set size of `pid` in bytes, or null when it cannot be read. */
export function rssBytes(pid) {
  return statusBytes(pid, ['VmRSS'])?.VmRSS ?? null;
}

/**
 * The resident set of `pid` by kind, in bytes: { rssAnon, rssFile } (anonymous: heaps and malloc;
 * file-backed: the binaries' and libraries' code as it is touched, mapped files), or {} off Linux.
 */
export function rssKinds(pid) {
  const found = statusBytes(pid, ['RssAnon', 'RssFile']);
  return found ? { rssAnon: found.RssAnon, rssFile: found.RssFile } : {};
}

/** Failed renders of the account by error code: { RENDER_FAILED: 2, ... }. */
export async function failedRendersByCode(client, accountId) {
  const { rows } = await client.query(
    "select coalesce(error_code, '(none)') as code, count(*)::int as n from renders.renders where account_id = $1 and status = 'failed' group by 1",
    [accountId],
  );
  return Object.fromEntries(rows.map((row) => [row.code, row.n]));
}

/**
 * A render-worker's memory as its own metrics say (prom-client's default metrics on its metrics
 * port, and the kernel threads' V8 heaps, which prom-client's heap metrics leave out), in bytes:
 * { rss, heapTotal, heapUsed, external, threadsHeapTotal, threadsHeapUsed }, and its succeeded
 * render jobs so far. The JS heaps and external memory (Buffers) beside the resident set tell a
 * leak in JavaScript from native growth (libvips, the allocator). null when the worker does not
 * answer within 5 s.
 */
export async function workerMemory(metricsUrl) {
  let text;
  try {
    const response = await globalThis.fetch(metricsUrl, { signal: globalThis.AbortSignal.timeout(5_000) });
    text = await response.text();
  } catch {
    return null;
  }
  const sum = (metric, filter = () => true) =>
    text
      .split('\n')
      .filter((line) => line.split(/[{\s]/)[0] === metric && filter(line))
      .reduce((total, line) => total + Number(line.trim().split(/\s+/).pop()), 0);
  const threads = (kind) =>
    sum('render_kernel_threads_heap_bytes', (line) => line.includes(`kind="${kind}"`));
  return {
    rss: sum('process_resident_memory_bytes'),
    heapTotal: sum('nodejs_heap_size_total_bytes'),
    heapUsed: sum('nodejs_heap_size_used_bytes'),
    external: sum('nodejs_external_memory_bytes'),
    threadsHeapTotal: threads('total'),
    threadsHeapUsed: threads('used'),
    renders: sum('render_jobs_total', (line) => line.includes('outcome="succeeded"')),
  };
}

/** What of a worker's memory the JavaScript heaps (main and kernel threads) and Buffers hold. */
const heldByJavaScript = (memory) => memory.heapTotal + memory.external + (memory.threadsHeapTotal ?? 0);

/** What of a worker's resident set no JavaScript heap or Buffer accounts for: libvips, the allocator, code. */
export const nativeRest = (memory) => memory.rss - heldByJavaScript(memory);

/** The anonymous part of that rest (malloc'd: libvips, Node's own), when rssKinds was read. */
export const anonymousRest = (memory) =>
  memory.rssAnon === undefined || memory.rssAnon === null ? null : memory.rssAnon - heldByJavaScript(memory);
