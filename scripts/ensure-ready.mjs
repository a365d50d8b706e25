// Run by the package.json scripts before their command (`npm start`, `npm test`, `npm run platen`, the
// benchmarks): installs when node_modules is missing or older than package-lock.json, then builds the
// workspaces whose dist is out of date. Progress goes to stderr and only when something is done, so a
// command's stdout (the CLI's JSON line) stays clean. Plain Node: it runs before node_modules exists.
// The repository root is the working directory (npm runs scripts there).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { installNeeded, staleWorkspaces } from './ready-state.mjs';

const root = process.cwd();
const say = (line) => process.stderr.write(`platen: ${line}\n`);

/** Runs a command with its output on stderr; exits with its status when it fails. */
function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: ['ignore', 2, 2] });
  if (result.error) {
    say(`cannot run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    say(`${[command, ...args].join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

const installed = installNeeded(root);
if (installed) {
  const why = existsSync(join(root, 'node_modules')) ? 'package-lock.json changed' : 'no node_modules yet';
  say(`installing dependencies (${why}): npm ci`);
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// After an install every workspace is handed to turbo: its cache knows whether a dependency changed.
const stale = staleWorkspaces(root);
if (installed || stale.length > 0) {
  const started = Date.now();
  say(
    installed
      ? 'building every workspace (the first build takes a few minutes)'
      : `building (changed: ${stale.length > 3 ? `${stale.length} workspaces` : stale.join(', ')})`,
  );
  run(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=new-only'], {
    ...process.env,
    TURBO_TELEMETRY_DISABLED: '1',
  });
  say(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
