import { createCanvasBuffers } from './canvas-buffers.js';

describe('canvas buffers', () => {
  it('hands a released buffer of the same size out again, in shared memory', () => {
    const buffers = createCanvasBuffers();
    const first = buffers.acquire(1024);
    expect(first.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    first.holds = { backdrop: new Uint8Array(1), dirty: null };
    buffers.release(first);
    const again = buffers.acquire(1024);
    expect(again).toBe(first);
    expect(again.holds).toEqual(first.holds);
    expect(buffers.acquire(2048).data.byteLength).toBe(2048);
  });

  it('never hands one buffer to two renders, even if released twice', () => {
    const buffers = createCanvasBuffers();
    const one = buffers.acquire(64);
    buffers.release(one);
    buffers.release(one);
    const a = buffers.acquire(64);
    const b = buffers.acquire(64);
    expect(a).not.toBe(b);
  });

  it('keeps at most maxFree buffers and maxFreeBytes bytes, dropping the oldest', () => {
    const buffers = createCanvasBuffers({ maxFree: 2, maxFreeBytes: 1000 });
    const [a, b, c] = [buffers.acquire(100), buffers.acquire(100), buffers.acquire(100)];
    for (const buffer of [a, b, c]) buffers.release(buffer);
    const kept = [buffers.acquire(100), buffers.acquire(100), buffers.acquire(100)];
    expect(kept).toContain(b);
    expect(kept).toContain(c);
    expect(kept).not.toContain(a);
    const big = buffers.acquire(800);
    const other = buffers.acquire(400);
    buffers.release(big);
    buffers.release(other);
    expect(buffers.acquire(800)).not.toBe(big);
  });
});
