// Soak (issue #9): the load benchmark's traffic for 30 minutes, to see memory and the queue stay flat
// over time. Optional in CI. Same driver and environment variables as run.mjs (LOAD_SECONDS defaults
// to 1800 here; give LOAD_RATE, e.g. the load run's rate, to skip the search). Writes the "## Soak"
// section of infra/bench/RESULTS.md and infra/bench/load/soak-queue-depth.png.
// Usage: npm run bench:soak
import { runLoadBenchmark } from './load-driver.mjs';

await runLoadBenchmark({
  name: 'soak',
  heading: '## Soak',
  defaultSeconds: 1800,
  plotFile: 'load/soak-queue-depth.png',
  command: 'npm run bench:soak',
});
