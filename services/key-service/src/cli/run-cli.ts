// `platen <command>`: prints one JSON object as the last stdout line and returns 0; on bad input one
// line `platen: <message>` on stderr and 2 (usage) or 1 (anything else), with nothing changed.
// `--help` (on the CLI, a group or a command) prints help on stdout and returns 0.
import { ApiError, createSystemClock, type Clock } from '@platen/contracts';
import { ConfigError, localStackConfigSchema, parseEnv, type Env } from '@platen/config';
import type { CliInput, CliOutput } from './cli-io.js';
import { openCliSession, type CliSession } from './cli-session.js';
import { resolveCommand } from './commands.js';
import type { PreparedCommand } from './command.js';
import { parseFlags, UsageError } from './flags.js';

export type { CliInput, CliOutput } from './cli-io.js';

export interface CliIo {
  env: Env;
  stdout: CliOutput;
  stderr: CliOutput;
  /** Read only by commands that take a password; absent means no stdin (not a terminal). */
  stdin?: CliInput;
  clock?: Clock;
}

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT_USAGE;
  if (error instanceof ApiError && error.code === 'VALIDATION_ERROR') return EXIT_USAGE;
  return EXIT_FAILURE;
}

function messageOf(error: unknown): string {
  if (error instanceof ConfigError) return `invalid configuration: ${error.problems.join('; ')}`;
  return error instanceof Error ? error.message : String(error);
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const fail = (error: unknown): number => {
    io.stderr.write(`platen: ${messageOf(error).replace(/\s*\n\s*/g, ' ')}\n`);
    return exitCodeOf(error);
  };
  let command: PreparedCommand;
  let session: CliSession | undefined;
  try {
    const resolved = resolveCommand(argv);
    if ('help' in resolved) {
      io.stdout.write(resolved.help);
      return 0;
    }
    const { spec, args } = resolved;
    const flags = parseFlags(args, spec.flags, spec.name);
    command = await spec.prepare(flags, { stdin: io.stdin, stderr: io.stderr });
    const config = parseEnv(localStackConfigSchema, io.env);
    const clock = io.clock ?? createSystemClock();
    session = await openCliSession({
      config,
      clock,
      publishes: command.publishes,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    const result = await command.run(session.context);
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    return fail(error);
  } finally {
    await session?.close();
  }
}
