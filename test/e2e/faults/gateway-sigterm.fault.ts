// Long fault test (npm run test:faults): the gateway SIGTERMed with 8 `?wait=30` requests held and
// renders coming in, then started again. Held requests get their 202, no request gets a 5xx, and
// every accepted render completes, charged once.
import { gatewaySigtermSuite } from './support/fault-suites.js';
import { longRun } from './support/long-run.js';
import { gatewaySigtermUnderLoad } from './support/scenarios.js';

const run = longRun('gateway-sigterm');

gatewaySigtermSuite({
  title: 'Gateway SIGTERM under load',
  stack: () => run.stack(),
  record: true,
  timeoutMs: 600_000,
  run: () =>
    gatewaySigtermUnderLoad(run.stack(), { held: 8, downMs: 3_000, tailMs: 5_000, timeoutMs: 300_000 }),
});
