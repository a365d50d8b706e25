// The set-up every long fault file (*.fault.ts) shares: its own stack of real processes, on a
// private Redis and/or Postgres when the fault restarts one, torn down with everything it started.
import { startFaultStack, STACK_START_TIMEOUT_MS, type FaultStack } from './fault-stack.js';
import { startPrivatePostgres, startPrivateRedis, type PrivateDatastore } from '@platen/testing';

export interface LongRun {
  stack(): FaultStack;
  redis(): PrivateDatastore;
  postgres(): PrivateDatastore;
}

export function longRun(
  label: string,
  options: { privateRedis?: boolean; privatePostgres?: boolean } = {},
): LongRun {
  let stack: FaultStack | undefined;
  let redis: PrivateDatastore | undefined;
  let postgres: PrivateDatastore | undefined;

  beforeAll(async () => {
    if (options.privateRedis) redis = await startPrivateRedis();
    if (options.privatePostgres) postgres = await startPrivatePostgres();
    stack = await startFaultStack({
      label,
      ...(redis ? { redisUrl: redis.url } : {}),
      ...(postgres ? { databaseUrl: postgres.url } : {}),
      workers: 2,
    });
  }, STACK_START_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.teardown();
    await Promise.all([redis?.destroy(), postgres?.destroy()]);
  }, 120_000);

  const need = <T>(value: T | undefined, what: string): T => {
    if (!value) throw new Error(`${what} did not start (see the beforeAll failure)`);
    return value;
  };
  return {
    stack: () => need(stack, 'the stack'),
    redis: () => need(redis, 'the private Redis'),
    postgres: () => need(postgres, 'the private Postgres'),
  };
}
