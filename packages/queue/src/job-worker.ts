// The one way a queue's jobs are run: every queue declares its job names with their payload schemas
// (here, in packages/queue); a worker gives one handler per name (checked at start, like Immich), a
// failure classifier and one final-failure hook. Invariant: the hook runs once per job that fails for
// good, whether the handler failed it (permanent error or last attempt) or BullMQ did without running
// it (stalled too often); unknown names and bad payloads fail at once, loudly, without the hook.
import {
  DelayedError,
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job,
  type WorkerOptions,
} from 'bullmq';
import type { z } from 'zod';
import { bullPrefix, type QueueName } from './names.js';

/** Job name → payload schema: what a queue's producers may put on it. */
export type JobSchemas = Record<string, z.ZodType>;

/** A queue and the jobs its producers use, declared once beside the queue. */
export interface QueueJobs<S extends JobSchemas = JobSchemas> {
  queue: QueueName;
  jobs: S;
}

export interface JobContext {
  job: Job<unknown, unknown, string>;
  token: string | undefined;
  /** Aborted when the worker cancels the job (shutdown, lost lock). */
  signal: AbortSignal | undefined;
  /** 1-based number of this attempt, and whether a failure now ends the job. */
  attempt: number;
  maxAttempts: number;
  finalAttempt: boolean;
  /** Hands the job back to the queue for `delayMs` without counting an attempt. Never returns. */
  defer(delayMs: number): Promise<never>;
}

export type JobHandler<Data, Result = unknown> = (data: Data, context: JobContext) => Promise<Result>;

export type JobHandlers<S extends JobSchemas, Result = unknown> = {
  [N in keyof S]: JobHandler<z.infer<S[N]>, Result>;
};

/** A job's name with its parsed payload, as a union over the queue's job names. */
export type NamedJob<S extends JobSchemas> = {
  [N in keyof S & string]: { name: N; data: z.infer<S[N]> };
}[keyof S & string];

export type FailedJob<S extends JobSchemas> = NamedJob<S> & {
  job: Job<unknown, unknown, string>;
  error: Error;
  /** The classifier's verdict; a transient error on the last attempt ends the job too. */
  transient: boolean;
};

export type FinalFailure<S extends JobSchemas> = FailedJob<S> & {
  /**
   * While the job is still in hand (it failed in its handler): hands it back for `delayMs` instead
   * of failing it, e.g. to retry a refund that could not be confirmed. Undefined once BullMQ has
   * failed the job itself.
   */
  defer?: (delayMs: number) => Promise<never>;
};

export type FailureKind = 'transient' | 'permanent';

/** Minimal structured logger (pino's shape). */
export interface JobLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface JobWorkerOptions<S extends JobSchemas, Result> {
  declared: QueueJobs<S>;
  /** One per declared job name; a missing one throws here, before any job is taken. */
  handlers: Partial<JobHandlers<S, Result>>;
  /** Default: everything is transient except UnrecoverableError (always permanent). */
  classify?: (error: Error, job: NamedJob<S>) => FailureKind;
  /** An attempt failed and BullMQ will run the job again (logs, metrics). */
  onRetry?: (failed: FailedJob<S>) => void;
  /** The job failed for good: refund, mark failed, announce. Runs once per failed job. */
  onFinalFailure?: (failure: FinalFailure<S>) => Promise<void>;
  connection: ConnectionOptions;
  redisPrefix: string;
  logger: JobLogger;
  worker?: Omit<WorkerOptions, 'connection' | 'prefix' | 'autorun'>;
  autorun?: boolean;
}

/** Throws, naming every declared job name without a handler. */
export function assertEveryJobHasAHandler<S extends JobSchemas, Result>(
  jobs: S,
  handlers: Partial<JobHandlers<S, Result>>,
): JobHandlers<S, Result> {
  const missing = Object.keys(jobs).filter((name) => typeof handlers[name] !== 'function');
  if (missing.length > 0) throw new Error(`no handler for job name(s): ${missing.join(', ')}`);
  return handlers as JobHandlers<S, Result>;
}

/** BullMQ itself compares names, so an UnrecoverableError from another copy of bullmq counts too. */
function isUnrecoverable(error: Error): boolean {
  return error instanceof UnrecoverableError || error.name === 'UnrecoverableError';
}

function isDelayed(error: unknown): boolean {
  return error instanceof DelayedError || (error instanceof Error && error.name === 'DelayedError');
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`)
    .join('; ');
}

export function createJobWorker<S extends JobSchemas, Result = unknown>(
  options: JobWorkerOptions<S, Result>,
): Worker<unknown, Result, string> {
  const { declared, logger } = options;
  const handlers = assertEveryJobHasAHandler(declared.jobs, options.handlers) as Record<
    string,
    JobHandler<unknown, Result>
  >;
  const schemas: Record<string, z.ZodType | undefined> = declared.jobs;
  const classify = options.classify ?? (() => 'transient' as const);
  // Errors whose fate the processor already decided, so the `failed` event does not decide again.
  const decided = new WeakSet<Error>();

  function refuse(job: Job<unknown, unknown, string>, reason: string): never {
    logger.error({ job_id: job.id, job_name: job.name, queue: declared.queue, reason }, 'job refused');
    const error = new UnrecoverableError(reason);
    decided.add(error);
    throw error;
  }

  /** The job's name and parsed payload, or undefined for a job this queue does not declare. */
  function parse(
    job: Job<unknown, unknown, string>,
  ): { ok: true; named: NamedJob<S> } | { ok: false; problem: string } {
    const schema = Object.hasOwn(schemas, job.name) ? schemas[job.name] : undefined;
    if (!schema) return { ok: false, problem: `no handler for job name "${job.name}"` };
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      return { ok: false, problem: `invalid payload for job "${job.name}": ${describeIssues(parsed.error)}` };
    }
    return { ok: true, named: { name: job.name, data: parsed.data } as NamedJob<S> };
  }

  // Three parameters on purpose: BullMQ passes an AbortSignal only to processors declaring it.
  const processor = async (job: Job<unknown, unknown, string>, token?: string, signal?: AbortSignal) => {
    const parsed = parse(job);
    if (!parsed.ok) return refuse(job, parsed.problem);
    const { named } = parsed;
    const defer = async (delayMs: number): Promise<never> => {
      await job.moveToDelayed(Date.now() + Math.max(0, delayMs), token);
      throw new DelayedError();
    };
    const maxAttempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    const finalAttempt = attempt >= maxAttempts;
    try {
      return await handlers[named.name]!(named.data, {
        job,
        token,
        signal,
        attempt,
        maxAttempts,
        finalAttempt,
        defer,
      });
    } catch (thrown) {
      if (isDelayed(thrown)) throw thrown;
      const error = toError(thrown);
      const transient = !isUnrecoverable(error) && classify(error, named) === 'transient';
      const failed = { ...named, job, error, transient };
      if (transient && !finalAttempt) {
        options.onRetry?.(failed);
        decided.add(error);
        throw error;
      }
      try {
        await options.onFinalFailure?.({ ...failed, defer });
      } catch (hookError) {
        if (isDelayed(hookError)) throw hookError;
        logger.error({ err: hookError, job_id: job.id, job_name: job.name }, 'final-failure hook failed');
      }
      const final = new UnrecoverableError(error.message);
      decided.add(final);
      throw final;
    }
  };

  const worker = new Worker<unknown, Result, string>(declared.queue, processor, {
    ...options.worker,
    connection: options.connection,
    prefix: bullPrefix(options.redisPrefix),
    autorun: options.autorun ?? true,
  });

  // Jobs BullMQ fails without running the handler (stalled or started too often) end here.
  worker.on('failed', (job, error) => {
    if (!job || decided.has(error)) return;
    const final = isUnrecoverable(error) || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const parsed = parse(job);
    if (!parsed.ok) return;
    logger.warn(
      { job_id: job.id, job_name: job.name, reason: error.message },
      'job failed outside its handler',
    );
    const hook = options.onFinalFailure?.({ ...parsed.named, job, error, transient: false });
    hook?.catch((hookError: unknown) =>
      logger.error({ err: hookError, job_id: job.id, job_name: job.name }, 'final-failure hook failed'),
    );
  });
  worker.on('error', (error) => logger.error({ err: error, queue: declared.queue }, 'worker error'));
  return worker;
}
