// Runs compose tasks on a small fixed pool of worker threads so the JS pixel kernels never stall
// the event loop (BullMQ lock renewal, health checks). `threads: 0` runs them inline, for tests
// and tools. Idle threads are unref'ed: a pool alone never keeps a process alive.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { ComposeTask } from './compose-task.js';
import { runComposeTask } from './compose-task.js';
import { RenderFailedError } from './compositor-errors.js';
import type { KernelRequest, KernelResponse, KernelThreadHeap } from './kernel-worker.js';

export interface KernelPoolOptions {
  /** Worker threads; 0 runs every task inline on the calling thread. */
  threads: number;
  /** The built worker entry; defaults to kernel-worker.js next to this module (in dist). */
  workerUrl?: URL | string;
  /**
   * Each thread's V8 young generation, in MB (default 8). Left to V8, a thread's young generation
   * grows to its maximum (tens of MB) under steady renders and is never given back: the 30-minute
   * soak saw each worker's kernel threads reserve 10 → 50 MB with 5 MB live (issue #24). The
   * kernels allocate little on the JS heap (pixels live in ArrayBuffers), so a small young
   * generation costs them nothing measurable.
   */
  youngGenerationMb?: number;
  /** Starts a thread (tests observe the options given). */
  createWorker?: (url: URL | string, options: WorkerOptions) => Worker;
}

const DEFAULT_KERNEL_YOUNG_GENERATION_MB = 8;

export interface KernelPool {
  readonly threads: number;
  compose(task: ComposeTask): Promise<Uint8Array | Uint8ClampedArray>;
  /**
   * The threads' own V8 heaps, summed, as each last reported them (after its latest task): they
   * sit outside the process's heap metrics, in its resident set. Zero for an inline pool.
   */
  heap(): KernelThreadHeap;
  close(): Promise<void>;
}

interface Job {
  id: number;
  task: ComposeTask;
  resolve: (canvas: Uint8Array | Uint8ClampedArray) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  heap: KernelThreadHeap | null;
}

const NO_HEAP: KernelThreadHeap = { usedBytes: 0, totalBytes: 0, externalBytes: 0 };

function sumHeaps(heaps: readonly KernelThreadHeap[]): KernelThreadHeap {
  return heaps.reduce(
    (sum, heap) => ({
      usedBytes: sum.usedBytes + heap.usedBytes,
      totalBytes: sum.totalBytes + heap.totalBytes,
      externalBytes: sum.externalBytes + heap.externalBytes,
    }),
    NO_HEAP,
  );
}

export function createKernelPool(options: KernelPoolOptions): KernelPool {
  if (!Number.isInteger(options.threads) || options.threads < 0) {
    throw new RangeError('threads must be a non-negative integer');
  }
  if (options.threads === 0) return createInlinePool();
  const url = options.workerUrl ?? new URL('./kernel-worker.js', import.meta.url);
  const createWorker = options.createWorker ?? ((at, workerOptions) => new Worker(at, workerOptions));
  const workerOptions: WorkerOptions = {
    resourceLimits: {
      maxYoungGenerationSizeMb: options.youngGenerationMb ?? DEFAULT_KERNEL_YOUNG_GENERATION_MB,
    },
  };
  return createThreadPool(options.threads, () => createWorker(url, workerOptions));
}

function createInlinePool(): KernelPool {
  return {
    threads: 0,
    compose: (task) => Promise.resolve().then(() => runComposeTask(task)),
    heap: () => NO_HEAP,
    close: () => Promise.resolve(),
  };
}

function createThreadPool(threads: number, startWorker: () => Worker): KernelPool {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const slot: Slot = { worker: startWorker(), job: null, heap: null };
    slot.worker.unref();
    slot.worker.on('message', (response: KernelResponse) => {
      slot.heap = response.heap;
      const job = slot.job;
      if (!job || job.id !== response.id) return;
      finish(slot);
      if (response.ok) job.resolve(response.canvas);
      else job.reject(new RenderFailedError(`kernel failed: ${response.message}`));
    });
    const replace = (reason: string): void => {
      const job = slot.job;
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      if (job) job.reject(new RenderFailedError(`kernel thread ${reason}`));
      if (!closed) {
        slots.push(spawn());
        pump();
      }
    };
    slot.worker.on('error', (error) => replace(`crashed: ${error.message}`));
    slot.worker.on('exit', (code) => {
      if (slots.includes(slot)) replace(`exited with code ${code}`);
    });
    return slot;
  };

  const finish = (slot: Slot): void => {
    slot.job = null;
    slot.worker.unref();
    pump();
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (slot.job) continue;
      const job = queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.ref();
      const request: KernelRequest = { id: job.id, task: job.task };
      try {
        slot.worker.postMessage(request);
      } catch (error) {
        slot.job = null;
        slot.worker.unref();
        job.reject(new RenderFailedError('kernel task could not be sent', { cause: error }));
      }
    }
  };

  for (let i = 0; i < threads; i++) slots.push(spawn());

  return {
    threads,
    compose(task) {
      if (closed) return Promise.reject(new RenderFailedError('kernel pool is closed'));
      return new Promise<Uint8Array | Uint8ClampedArray>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve, reject });
        pump();
      });
    },
    heap: () => sumHeaps(slots.flatMap((slot) => (slot.heap ? [slot.heap] : []))),
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new RenderFailedError('kernel pool is closed'));
      const running = slots.splice(0);
      for (const slot of running) slot.job?.reject(new RenderFailedError('kernel pool is closed'));
      await Promise.all(running.map((slot) => slot.worker.terminate()));
    },
  };
}
