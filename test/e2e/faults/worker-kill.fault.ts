// Long fault test (npm run test:faults): a render-worker SIGKILLed in the middle of 100 queued
// renders, each with a webhook. Every render ends succeeded, charged once, stored once, its webhook
// under one webhook-id. Figures go to FAULT_FIGURES.
import { workerKillSuite } from './support/fault-suites.js';
import { longRun } from './support/long-run.js';
import { workerKilledMidQueue } from './support/scenarios.js';

const run = longRun('worker-kill');

workerKillSuite({
  title: 'Worker SIGKILL in the middle of 100 queued renders',
  renders: 100,
  stack: () => run.stack(),
  record: true,
  timeoutMs: 600_000,
  run: () => workerKilledMidQueue(run.stack(), { renders: 100, timeoutMs: 300_000 }),
});
