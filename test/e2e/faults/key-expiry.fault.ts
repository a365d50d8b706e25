// Long fault test (npm run test:faults): a key expiring during a burst of 8 clients, from 3 s
// before to 2 s after its expiry second: nothing accepted after it, nothing refused before it.
import { keyExpirySuite } from './support/fault-suites.js';
import { longRun } from './support/long-run.js';
import { keyExpiringDuringBurst } from './support/scenarios.js';

const run = longRun('key-expiry');

keyExpirySuite({
  title: 'Clock: a key expiring during a burst',
  stack: () => run.stack(),
  record: true,
  timeoutMs: 120_000,
  run: () => keyExpiringDuringBurst(run.stack(), { leadMs: 3_000, afterMs: 2_000, clients: 8 }),
});
