// Entry point of the operator CLI (`npm run platen -- <command>`); the work is in cli/run-cli.ts.
import { isatty } from 'node:tty';
import { runCli } from './cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  // The process boundary: the environment is handed to packages/config here and read nowhere else.
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  // process.stdin is touched only by a command that reads a password: a pipe nobody closes never
  // keeps a command from exiting.
  stdin: { isTTY: isatty(0), open: () => process.stdin },
});
