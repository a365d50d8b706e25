// Entry of a kernel thread: runs compose tasks off the main event loop and hands the canvas
// back without a copy: by transfer, or in place when the task wrote into shared memory.
import { parentPort } from 'node:worker_threads';
import type { ComposeTask } from './compose-task.js';
import { runComposeTask } from './compose-task.js';

export interface KernelRequest {
  id: number;
  task: ComposeTask;
}
export type KernelResponse =
  | { id: number; ok: true; canvas: Uint8Array | Uint8ClampedArray }
  | { id: number; ok: false; message: string };

const port = parentPort;
if (port) {
  port.on('message', ({ id, task }: KernelRequest) => {
    let response: KernelResponse;
    try {
      response = { id, ok: true, canvas: runComposeTask(task) };
    } catch (error) {
      response = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    const buffer = response.ok ? response.canvas.buffer : null;
    port.postMessage(response, buffer instanceof ArrayBuffer ? [buffer] : []);
  });
}
