// Render canvases in shared memory, reused between renders: a fresh multi-megabyte array costs a
// page fault per 4 KiB on first write, and most of a reused canvas already holds the right pixels
// (the same static canvas, changed only inside the last render's smart-object regions). A buffer
// is handed to one render at a time; the free list is bounded by count and bytes.
import type { Region } from './raster.js';

export interface CanvasBuffer {
  /** Shared with kernel threads. */
  readonly data: Uint8Array;
  /** What `data` holds, if known: `backdrop` except inside `dirty` (null: nowhere). Whoever
   * writes into `data` sets this to null first and only records a state it is sure of. */
  holds: { backdrop: Uint8Array; dirty: Region | null } | null;
}

export interface CanvasBuffers {
  /** A buffer of exactly `bytes` bytes, for one render. */
  acquire(bytes: number): CanvasBuffer;
  /** Gives a buffer back once nothing reads or writes it any more. */
  release(buffer: CanvasBuffer): void;
}

export interface CanvasBuffersOptions {
  /** Free buffers kept at most (default 4). */
  maxFree?: number;
  /** Bytes of free buffers kept at most (default 128 MiB). */
  maxFreeBytes?: number;
}

const fresh = (bytes: number): CanvasBuffer => ({
  data: new Uint8Array(new SharedArrayBuffer(bytes)),
  holds: null,
});

export function createCanvasBuffers(options: CanvasBuffersOptions = {}): CanvasBuffers {
  const maxFree = options.maxFree ?? 4;
  const maxFreeBytes = options.maxFreeBytes ?? 128 * 1024 * 1024;
  const free: CanvasBuffer[] = [];
  let freeBytes = 0;
  return {
    acquire(bytes) {
      // The most recently released match: the likeliest to hold this template's canvas.
      for (let i = free.length - 1; i >= 0; i--) {
        if (free[i]!.data.byteLength !== bytes) continue;
        const [buffer] = free.splice(i, 1);
        freeBytes -= bytes;
        return buffer!;
      }
      return fresh(bytes);
    },
    release(buffer) {
      if (free.includes(buffer)) return;
      free.push(buffer);
      freeBytes += buffer.data.byteLength;
      while (free.length > maxFree || freeBytes > maxFreeBytes) freeBytes -= free.shift()!.data.byteLength;
    },
  };
}

/** No reuse: every render gets a new buffer (tools, thumbnails). */
export const freshCanvasBuffers: CanvasBuffers = { acquire: fresh, release: () => undefined };
