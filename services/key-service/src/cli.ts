// Entry point of the operator CLI (`npm run platen -- <command>`); the work is in cli/run-cli.ts.
import { runCli } from './cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  // The process boundary: the environment is handed to packages/config here and read nowhere else.
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
