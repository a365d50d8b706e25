// Long fault tests (npm run test:faults): Redis (with AOF) and then Postgres, each a private
// instance, stopped for 10 s under a steady load of renders and started again. Accepted renders
// all complete, the outage answers 503 and never 500, no charge is lost, no service is restarted.
import { datastoreRestartSuite } from './support/fault-suites.js';
import { longRun } from './support/long-run.js';
import { datastoreRestartedUnderLoad } from './support/scenarios.js';

const run = longRun('datastores', { privateRedis: true, privatePostgres: true });

for (const [what, datastore] of [
  ['Redis', () => run.redis()],
  ['Postgres', () => run.postgres()],
] as const) {
  datastoreRestartSuite({
    title: `${what} restarted under load (10 s down)`,
    stack: () => run.stack(),
    record: true,
    timeoutMs: 600_000,
    run: () =>
      datastoreRestartedUnderLoad(run.stack(), {
        what,
        datastore: datastore(),
        leadMs: 5_000,
        outageMs: 10_000,
        tailMs: 10_000,
        clients: 4,
        pauseMs: 100,
        timeoutMs: 300_000,
      }),
  });
}
