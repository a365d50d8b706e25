// Every process the n8n test starts (npm, node-gyp, Platen, n8n) goes through one registry, so that
// all of them, and whatever they started, are stopped on exit, also after a failure or a Ctrl-C.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import process from 'node:process';
import { setTimeout } from 'node:timers';

const OUTPUT_TAIL = 64 * 1024;
const STDOUT_MAX = 256 * 1024 * 1024;
const DEFAULT_GRACE_MS = 15_000;

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
function isRunning(pid) {
  const stat = readProc(pid, 'stat');
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Every process below `root` right now (Linux /proc). */
function descendantsOf(root) {
  const parentOf = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(name, 'stat');
    if (stat) parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const found = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = [...parentOf].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

function kill(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function fileTail(path) {
  try {
    return readFileSync(path, 'utf8').slice(-OUTPUT_TAIL);
  } catch {
    return '';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export function createProcessRegistry({ log }) {
  const running = new Set();

  /**
   * Starts a process. `group: true` puts it in its own process group (n8n and its task runner, npm
   * and its children), so one signal reaches all of them. `stdoutFile` sends stdout to a file: a
   * process that prints megabytes and then calls process.exit() loses the end of it into a pipe.
   */
  function start(command, args, { name, cwd, env, group = true, keepStdout = false, stdoutFile }) {
    const stdoutFd = stdoutFile === undefined ? 'pipe' : openSync(stdoutFile, 'w');
    const child = spawn(command, args, { cwd, env, detached: group, stdio: ['ignore', stdoutFd, 'pipe'] });
    if (typeof stdoutFd === 'number') closeSync(stdoutFd);
    let tail = '';
    let stdout = '';
    const append = (chunk) => {
      tail = (tail + chunk).slice(-OUTPUT_TAIL);
    };
    child.stdout?.on('data', (chunk) => {
      append(chunk.toString());
      if (keepStdout && stdout.length < STDOUT_MAX) stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk) => append(chunk.toString()));
    const exited = new Promise((resolve) => {
      // 'close', not 'exit': by then all of its output has been read.
      child.once('close', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
    });
    const handle = {
      name,
      pid: child.pid,
      exited,
      output: () => (stdoutFile === undefined ? tail : `${fileTail(stdoutFile)}${tail}`),
      stdout: () => stdout,
      hasExited: () => child.exitCode !== null || child.signalCode !== null,
      stop: (graceMs = DEFAULT_GRACE_MS) => stop(handle, child, group, graceMs),
    };
    running.add(handle);
    void exited.then(() => running.delete(handle));
    return handle;
  }

  async function stop(handle, child, group, graceMs) {
    if (handle.hasExited() || child.pid === undefined) return;
    // Taken before the signal: a supervisor that stops its children exits before we could look.
    const tree = descendantsOf(child.pid);
    kill(group ? -child.pid : child.pid, 'SIGTERM');
    await Promise.race([handle.exited, sleep(graceMs)]);
    const left = [child.pid, ...tree].filter(isRunning);
    if (left.length > 0)
      log(`${handle.name}: still running after ${graceMs / 1000} s, killing ${left.length}`);
    if (group) kill(-child.pid, 'SIGKILL');
    for (const pid of left) kill(pid, 'SIGKILL');
    await Promise.race([handle.exited, sleep(5_000)]);
  }

  /** Runs a command to its end; throws, with the tail of its output, on a non-zero exit or timeout. */
  async function run(command, args, { name, timeoutMs, allowFailure = false, ...options }) {
    const handle = start(command, args, { name, ...options });
    const timer = sleep(timeoutMs).then(() => 'timeout');
    const outcome = await Promise.race([handle.exited, timer]);
    if (outcome === 'timeout') {
      await handle.stop(5_000);
      throw new Error(
        `${name} did not finish within ${timeoutMs / 1000} s; output ends with:\n${tailOf(handle)}`,
      );
    }
    if (outcome.error) throw new Error(`${name} could not start: ${outcome.error.message}`);
    if (outcome.code !== 0 && !allowFailure) {
      throw new Error(
        `${name} exited with ${outcome.code ?? outcome.signal}; output ends with:\n${tailOf(handle)}`,
      );
    }
    return { code: outcome.code, signal: outcome.signal, stdout: handle.stdout(), output: handle.output() };
  }

  async function stopAll() {
    await Promise.all([...running].map((handle) => handle.stop()));
  }

  return { start, run, stopAll };
}

export function tailOf(handle, chars = 3_000) {
  return handle.output().slice(-chars);
}
