// Load benchmark (issue #9): sustained mixed traffic, 80 % GETs of the mockup list and 20 % render
// POSTs without ?wait, for 5 minutes at the highest rate the machine sustains with GET p99 under
// 100 ms (found by short probes first, or given). Writes the "## Load" section of
// infra/bench/RESULTS.md and infra/bench/load/queue-depth.png. See load-driver.mjs.
// Usage: npm run bench:load   (env: LOAD_SECONDS=300; LOAD_RATE=<req/s> skips the search;
// LOAD_PROBE_SECONDS=20, LOAD_SEARCH_START=20, LOAD_SEARCH_MAX=5000 shape it; LOAD_WORKERS=2
// render-workers; LOAD_RENDER_SIZE=1000 px; LOAD_DRAIN_SECONDS=180; LOAD_RESULTS_FILE and
// LOAD_PLOT_FILE write elsewhere)
import { runLoadBenchmark } from './load-driver.mjs';

await runLoadBenchmark({
  name: 'load',
  heading: '## Load',
  defaultSeconds: 300,
  plotFile: 'load/queue-depth.png',
  command: 'npm run bench:load',
});
