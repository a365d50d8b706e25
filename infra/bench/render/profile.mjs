// Records V8 CPU profiles of this thread and of every worker thread (the kernel pool's) through the
// inspector, and summarises profiles (also those `node --cpu-prof` writes) into self time per
// function and per source file. CLI: node infra/bench/render/profile.mjs FILE.cpuprofile [...]
import { readFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { basename } from 'node:path';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { setImmediate } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

/**
 * Starts profiling this thread and each worker thread running now (the inspector's NodeWorker
 * domain relays commands to them). stop() returns one { thread, profile } per thread.
 */
export async function startProfiling({ intervalUs = 250 } = {}) {
  const session = new Session();
  session.connect();
  // Idle pool threads are unref'ed: without a handle of our own the process would exit while it
  // waits for a worker's answer.
  const keepAlive = setInterval(() => {}, 1000);
  const workers = [];
  const pending = new Map();
  let nextId = 1;
  session.on('NodeWorker.attachedToWorker', ({ params }) => workers.push(params));
  session.on('NodeWorker.receivedMessageFromWorker', ({ params }) => {
    const message = JSON.parse(params.message);
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`worker ${params.sessionId}: ${message.error.message}`));
    else waiter.resolve(message.result);
  });
  await session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  await setImmediate();
  const inWorker =
    (sessionId) =>
    (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const message = JSON.stringify({ id, method, params });
        session.post('NodeWorker.sendMessageToWorker', { sessionId, message }).catch(reject);
      });
  const threads = [
    { thread: 'main thread', call: (method, params) => session.post(method, params) },
    ...workers.map((worker) => ({ thread: worker.workerInfo.title, call: inWorker(worker.sessionId) })),
  ];
  for (const { call } of threads) {
    await call('Profiler.enable');
    await call('Profiler.setSamplingInterval', { interval: intervalUs });
  }
  for (const { call } of threads) await call('Profiler.start');
  return {
    threads: threads.map(({ thread }) => thread),
    async stop() {
      const profiles = [];
      for (const { thread, call } of threads) {
        const { profile } = await call('Profiler.stop');
        profiles.push({ thread, profile });
      }
      await session.post('NodeWorker.disable');
      session.disconnect();
      clearInterval(keepAlive);
      return profiles;
    },
  };
}

/** @returns {{ totalMs, busyMs, functions: Row[], files: Row[] }} with Row = { name, selfMs, share } */
export function summariseProfile(profile, top = 15) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  // Sample i lasts until sample i + 1 (the same attribution Chrome DevTools uses).
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + ms);
  }
  const functions = new Map();
  const files = new Map();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const file = fileOf(functionName, url);
    const name = url ? `${functionName || '(anonymous)'} (${file}:${lineNumber + 1})` : file;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    files.set(file, (files.get(file) ?? 0) + ms);
    totalMs += ms;
  }
  const rows = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, selfMs]) => ({ name, selfMs, share: totalMs > 0 ? selfMs / totalMs : 0 }));
  return {
    totalMs,
    busyMs: totalMs - (files.get('(idle)') ?? 0),
    functions: rows(functions),
    files: rows(files),
  };
}

function fileOf(functionName, url) {
  // (idle), (program), (garbage collector), (root); nameless frames without a script are builtins.
  if (!url) return functionName || '(V8 builtins)';
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/node_modules/')) return url.split('/node_modules/').pop().split('/')[0];
  return basename(url);
}

/** Markdown tables of a summary: its functions (unless `functions: false`), then its files. */
export function summaryMarkdown(summary, { functions = true } = {}) {
  const table = (title, rows) => [
    `| ${title} | self ms | share |`,
    '|---|---:|---:|',
    ...rows.map(
      (row) => `| \`${row.name}\` | ${row.selfMs.toFixed(0)} | ${(row.share * 100).toFixed(1)} % |`,
    ),
    '',
  ];
  return [
    ...(functions ? table('function', summary.functions) : []),
    ...table('file / category', summary.files),
    `Sampled ${summary.totalMs.toFixed(0)} ms, of which not \`(idle)\`: ${summary.busyMs.toFixed(0)} ms.`,
  ].join('\n');
}

async function main(paths) {
  if (paths.length === 0) {
    process.stderr.write('usage: node infra/bench/render/profile.mjs FILE.cpuprofile [...]\n');
    process.exitCode = 2;
    return;
  }
  for (const path of paths) {
    const summary = summariseProfile(JSON.parse(await readFile(path, 'utf8')));
    process.stdout.write(`\n${path}\n\n${summaryMarkdown(summary)}\n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
