// The fast subset of the fault tests (issue #9), run by the normal jest run: ONE stack of real
// processes (built key-service, gateway, two render-workers) on a private Postgres and a private
// Redis with AOF, and each fault caused on it in turn, small: a worker SIGKILLed among 20 queued
// renders, the key-service killed, Redis and Postgres each restarted once under load, the gateway
// SIGTERMed under load, a key expiring during a burst. The long versions are the *.fault.ts files
// (`npm run test:faults`). Nothing here asserts a timing. Nothing leaves 127.0.0.1.
import { startFaultStack, STACK_START_TIMEOUT_MS, type FaultStack } from './support/fault-stack.js';
import {
  datastoreRestartSuite,
  gatewaySigtermSuite,
  keyExpirySuite,
  keyServiceOutageSuite,
  workerKillSuite,
} from './support/fault-suites.js';
import { startPrivatePostgres, startPrivateRedis, type PrivateDatastore } from '@platen/testing';
import {
  datastoreRestartedUnderLoad,
  gatewaySigtermUnderLoad,
  keyExpiringDuringBurst,
  keyServiceKilled,
  workerKilledMidQueue,
} from './support/scenarios.js';

let redis: PrivateDatastore | undefined;
let postgres: PrivateDatastore | undefined;
let stack: FaultStack | undefined;

beforeAll(async () => {
  redis = await startPrivateRedis();
  postgres = await startPrivatePostgres();
  stack = await startFaultStack({
    label: 'fast',
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    workers: 2,
  });
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await stack?.teardown();
  await Promise.all([redis?.destroy(), postgres?.destroy()]);
}, 120_000);

const common = { stack: () => stack, timeoutMs: 180_000 };

workerKillSuite({
  ...common,
  title: 'Fast: a render-worker SIGKILLed in the middle of 20 queued renders',
  renders: 20,
  run: () => workerKilledMidQueue(stack!, { renders: 20, timeoutMs: 90_000 }),
});

keyServiceOutageSuite({
  ...common,
  title: 'Fast: the key-service killed for 3 s',
  run: () => keyServiceKilled(stack!, { outageMs: 3_000, timeoutMs: 60_000 }),
});

for (const [what, datastore] of [
  ['Redis', () => redis!],
  ['Postgres', () => postgres!],
] as const) {
  datastoreRestartSuite({
    ...common,
    title: `Fast: ${what} restarted under load (3 s down)`,
    run: () =>
      datastoreRestartedUnderLoad(stack!, {
        what,
        datastore: datastore(),
        leadMs: 1_500,
        outageMs: 3_000,
        tailMs: 1_500,
        clients: 3,
        pauseMs: 100,
        timeoutMs: 90_000,
      }),
  });
}

gatewaySigtermSuite({
  ...common,
  title: 'Fast: the gateway SIGTERMed under load',
  run: () => gatewaySigtermUnderLoad(stack!, { held: 3, downMs: 1_000, tailMs: 1_500, timeoutMs: 90_000 }),
});

keyExpirySuite({
  ...common,
  title: 'Fast: a key expiring during a burst',
  run: () => keyExpiringDuringBurst(stack!, { leadMs: 2_000, afterMs: 1_000, clients: 4 }),
});
