// Entry of a kernel thread: runs compose tasks off the main event loop and hands the canvas
// back without a copy: by transfer, or in place when the task wrote into shared memory.
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { ComposeTask } from './compose-task.js';
import { runComposeTask } from './compose-task.js';

export interface KernelRequest {
  id: number;
  task: ComposeTask;
}
/** A thread's own V8 heap, which the process's heap metrics do not count. */
export interface KernelThreadHeap {
  usedBytes: number;
  totalBytes: number;
  externalBytes: number;
}
export type KernelResponse = (
  | { id: number; ok: true; canvas: Uint8Array | Uint8ClampedArray }
  | { id: number; ok: false; message: string }
) & { heap: KernelThreadHeap };

function heapNow(): KernelThreadHeap {
  const heap = getHeapStatistics();
  return {
    usedBytes: heap.used_heap_size,
    totalBytes: heap.total_heap_size,
    externalBytes: heap.external_memory,
  };
}

const port = parentPort;
if (port) {
  port.on('message', ({ id, task }: KernelRequest) => {
    let response: KernelResponse;
    try {
      const canvas = runComposeTask(task);
      response = { id, ok: true, canvas, heap: heapNow() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      response = { id, ok: false, message, heap: heapNow() };
    }
    const buffer = response.ok ? response.canvas.buffer : null;
    port.postMessage(response, buffer instanceof ArrayBuffer ? [buffer] : []);
  });
}
