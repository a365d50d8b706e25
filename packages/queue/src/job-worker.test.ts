import { createTestRedis, type TestRedis } from '@platen/testing';
import { Queue, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import {
  assertEveryJobHasAHandler,
  createJobWorker,
  type FailedJob,
  type FinalFailure,
  type JobContext,
  type JobWorkerOptions,
} from './job-worker.js';
import { bullPrefix, QUEUE_NAMES } from './names.js';

const declared = {
  queue: QUEUE_NAMES.renders,
  jobs: { paint: z.object({ n: z.number().int() }), wash: z.object({ id: z.uuid() }) },
} as const;
type Jobs = (typeof declared)['jobs'];

class Permanent extends Error {}

const silent = { error: () => undefined, warn: () => undefined };

describe('job worker', () => {
  let testRedis: TestRedis;
  let suite = 0;
  const open: Array<{ close(): Promise<void> }> = [];

  beforeAll(() => {
    testRedis = createTestRedis('job-worker');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((closable) => closable.close()));
  });
  afterAll(() => testRedis.cleanup());

  /** A queue and a worker of their own (own key prefix), with every hook call recorded. */
  function start(overrides: Partial<JobWorkerOptions<Jobs, unknown>> = {}) {
    const redisPrefix = `${testRedis.prefix}:t${++suite}`;
    const connection = { url: testRedis.url, maxRetriesPerRequest: null };
    const queue = new Queue(declared.queue, { connection, prefix: bullPrefix(redisPrefix) });
    const calls = { paint: 0, wash: 0, retries: [] as FailedJob<Jobs>[], finals: [] as FinalFailure<Jobs>[] };
    const worker: Worker = createJobWorker<Jobs>({
      declared,
      handlers: {
        paint: ({ n }) => {
          calls.paint += 1;
          return Promise.resolve(n * 2);
        },
        wash: () => {
          calls.wash += 1;
          return Promise.resolve('clean');
        },
      },
      classify: (error) => (error instanceof Permanent ? 'permanent' : 'transient'),
      onRetry: (failed) => void calls.retries.push(failed),
      onFinalFailure: (failure) => {
        calls.finals.push(failure);
        return Promise.resolve();
      },
      connection,
      redisPrefix,
      logger: silent,
      ...overrides,
    });
    open.push(worker, queue);
    return { queue, worker, calls };
  }

  async function settled(queue: Queue, jobId: string): Promise<Job> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const state = await queue.getJobState(jobId);
      if (state === 'failed' || state === 'completed') {
        // Let the worker's `failed`/`completed` listeners run before the test counts hook calls.
        await new Promise((resolve) => setTimeout(resolve, 150));
        return (await queue.getJob(jobId))!;
      }
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('refuses to start without a handler for every declared job name, naming them', () => {
    expect(() => assertEveryJobHasAHandler(declared.jobs, { paint: () => Promise.resolve() })).toThrow(
      'no handler for job name(s): wash',
    );
    expect(() =>
      createJobWorker<Jobs>({
        declared,
        handlers: {},
        connection: { url: testRedis.url },
        redisPrefix: testRedis.prefix,
        logger: silent,
        autorun: false,
      }),
    ).toThrow('no handler for job name(s): paint, wash');
  });

  it('runs the handler of the job name with its parsed payload and keeps its result', async () => {
    const { queue } = start();
    const job = await queue.add('paint', { n: 21 });

    const done = await settled(queue, job.id!);

    expect(await queue.getJobState(job.id!)).toBe('completed');
    expect(done.returnvalue).toBe(42);
  });

  it('fails a job with an undeclared name at once, with a clear reason, and no final-failure hook', async () => {
    const { queue, calls } = start();
    const job = await queue.add('pnt', { n: 1 }, { attempts: 3 });

    const failed = await settled(queue, job.id!);

    expect(await queue.getJobState(job.id!)).toBe('failed');
    expect(failed.failedReason).toBe('no handler for job name "pnt"');
    expect(failed.attemptsMade).toBe(1);
    expect(calls.finals).toHaveLength(0);
    expect(calls.paint + calls.wash).toBe(0);
  });

  it('fails a job with a bad payload at once, naming the bad field, without running the handler', async () => {
    const { queue, calls } = start();
    const job = await queue.add('paint', { n: 'twenty' }, { attempts: 3 });

    const failed = await settled(queue, job.id!);

    expect(await queue.getJobState(job.id!)).toBe('failed');
    expect(failed.failedReason).toMatch(/^invalid payload for job "paint": n: /);
    expect(failed.attemptsMade).toBe(1);
    expect(calls.paint).toBe(0);
    expect(calls.finals).toHaveLength(0);
  });

  it('retries a transient error up to the job’s attempts, then runs the final-failure hook exactly once', async () => {
    let runs = 0;
    const { queue, calls } = start({
      handlers: {
        paint: () => {
          runs += 1;
          return Promise.reject(new Error(`storage blip ${runs}`));
        },
        wash: () => Promise.resolve(),
      },
    });
    const job = await queue.add('paint', { n: 1 }, { attempts: 3 });

    const failed = await settled(queue, job.id!);

    expect(await queue.getJobState(job.id!)).toBe('failed');
    expect(runs).toBe(3);
    expect(calls.retries.map((retry) => retry.error.message)).toEqual(['storage blip 1', 'storage blip 2']);
    expect(calls.finals).toHaveLength(1);
    expect(calls.finals[0]).toMatchObject({ name: 'paint', data: { n: 1 }, transient: true });
    expect(calls.finals[0]!.error.message).toBe('storage blip 3');
    expect(failed.failedReason).toBe('storage blip 3');
  });

  it('runs the final-failure hook once, without a retry, for a permanent error', async () => {
    let runs = 0;
    const { queue, calls } = start({
      handlers: {
        paint: () => {
          runs += 1;
          return Promise.reject(new Permanent('not an image'));
        },
        wash: () => Promise.resolve(),
      },
    });
    const job = await queue.add('paint', { n: 7 }, { attempts: 4 });

    const failed = await settled(queue, job.id!);

    expect(await queue.getJobState(job.id!)).toBe('failed');
    expect(runs).toBe(1);
    expect(failed.attemptsMade).toBe(1);
    expect(calls.retries).toHaveLength(0);
    expect(calls.finals).toHaveLength(1);
    expect(calls.finals[0]).toMatchObject({ name: 'paint', data: { n: 7 }, transient: false });
    expect(failed.failedReason).toBe('not an image');
  });

  it('lets a handler defer its job without counting an attempt', async () => {
    const seen: Array<Pick<JobContext, 'attempt' | 'finalAttempt'>> = [];
    const { queue, calls } = start({
      handlers: {
        paint: async (_data, context) => {
          seen.push({ attempt: context.attempt, finalAttempt: context.finalAttempt });
          if (seen.length < 3) return context.defer(20);
          return 'painted';
        },
        wash: () => Promise.resolve(),
      },
    });
    const job = await queue.add('paint', { n: 1 }, { attempts: 1 });

    const done = await settled(queue, job.id!);

    expect(await queue.getJobState(job.id!)).toBe('completed');
    expect(done.returnvalue).toBe('painted');
    // Deferred twice, yet the single allowed attempt was never used up.
    expect(seen).toEqual([
      { attempt: 1, finalAttempt: true },
      { attempt: 1, finalAttempt: true },
      { attempt: 1, finalAttempt: true },
    ]);
    expect(calls.finals).toHaveLength(0);
  });

  it('lets the final-failure hook hand the job back instead of failing it (and runs it once)', async () => {
    let runs = 0;
    const { queue, calls } = start({
      handlers: {
        paint: () => {
          runs += 1;
          return runs === 1 ? Promise.reject(new Permanent('refused')) : Promise.resolve('settled later');
        },
        wash: () => Promise.resolve(),
      },
      onFinalFailure: async (failure) => {
        calls.finals.push(failure);
        await failure.defer?.(20);
      },
    });
    const job = await queue.add('paint', { n: 1 }, { attempts: 1 });

    const done = await settled(queue, job.id!);

    expect(await queue.getJobState(job.id!)).toBe('completed');
    expect(done.returnvalue).toBe('settled later');
    expect(runs).toBe(2);
    expect(calls.finals).toHaveLength(1);
  });

  it('runs the final-failure hook once for a job BullMQ fails without its handler (stalled too often)', async () => {
    const { queue, worker, calls } = start({
      worker: { lockDuration: 1_000, stalledInterval: 300, maxStalledCount: 0 },
      autorun: false,
    });
    const job = await queue.add('paint', { n: 3 }, { attempts: 4 });
    // Takes the job, then "dies": never finishes, never renews its lock.
    const dying = new Worker(declared.queue, () => new Promise(() => undefined), {
      connection: { url: testRedis.url, maxRetriesPerRequest: null },
      prefix: queue.opts.prefix!,
      lockDuration: 500,
      skipLockRenewal: true,
      skipStalledCheck: true,
    });
    open.push({ close: () => dying.close(true) });
    const deadline = Date.now() + 5_000;
    while ((await queue.getJobState(job.id!)) !== 'active') {
      if (Date.now() > deadline) throw new Error('the dying worker never took the job');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await dying.close(true);
    void worker.run();

    const failed = await settled(queue, job.id!);

    expect(await queue.getJobState(job.id!)).toBe('failed');
    expect(calls.paint).toBe(0);
    expect(calls.finals).toHaveLength(1);
    expect(calls.finals[0]).toMatchObject({ name: 'paint', data: { n: 3 } });
    expect(calls.finals[0]!.error.message).toBe(failed.failedReason);
  });
});
