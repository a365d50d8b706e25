// Long fault test (npm run test:faults): the key-service SIGKILLed for 20 s. Keys the gateway had
// verified keep working, unknown keys get 503 AUTH_UNAVAILABLE, renders that cannot be charged get
// 503 and cost nothing, and the gateway recovers by itself once the key-service is back.
import { keyServiceOutageSuite } from './support/fault-suites.js';
import { longRun } from './support/long-run.js';
import { keyServiceKilled } from './support/scenarios.js';

const run = longRun('key-service');

keyServiceOutageSuite({
  title: 'key-service killed for 20 s',
  stack: () => run.stack(),
  record: true,
  timeoutMs: 600_000,
  run: () => keyServiceKilled(run.stack(), { outageMs: 20_000, timeoutMs: 300_000 }),
});
