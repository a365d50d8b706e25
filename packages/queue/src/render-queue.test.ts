import { Redis } from 'ioredis';
import { createTestRedis, type TestRedis } from '@platen/testing';
import { waitListKey, QUEUE_NAMES } from './names.js';
import { createRenderQueue, enqueueRender } from './render-queue.js';

describe('render queue', () => {
  let testRedis: TestRedis;
  beforeAll(() => {
    testRedis = createTestRedis('render-queue');
  });
  afterAll(() => testRedis.cleanup());

  it('keeps one job per render even when the same render is enqueued twice', async () => {
    const queue = createRenderQueue({ url: testRedis.url }, testRedis.prefix);
    try {
      const renderId = '0b8f7a52-7c3e-4d7a-9d4e-2f1f6c1a9b10';
      await enqueueRender(queue, renderId);
      await enqueueRender(queue, renderId);
      expect(await queue.getJobCounts('wait')).toEqual({ wait: 1 });
      expect((await queue.getJob(renderId))?.data).toEqual({ render_id: renderId });
    } finally {
      await queue.close();
    }
  });

  it('waits in the Redis list that KEDA scales workers on', async () => {
    const queue = createRenderQueue({ url: testRedis.url }, testRedis.prefix);
    const redis = new Redis(testRedis.url);
    try {
      await enqueueRender(queue, '7d1e4c0a-3b2f-4e6a-8c9d-1a2b3c4d5e6f');
      expect(await redis.llen(waitListKey(testRedis.prefix, QUEUE_NAMES.renders))).toBeGreaterThanOrEqual(1);
    } finally {
      redis.disconnect();
      await queue.close();
    }
  });
});
