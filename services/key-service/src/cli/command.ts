// What a CLI command is: a name, its flag table (which --help prints and the parser enforces), and a
// prepare step that checks the flags (and reads a password) before anything is opened; the prepared
// command then runs against the same domain stores the HTTP API uses and returns the one JSON object
// it prints.
import type { Clock } from '@platen/contracts';
import type { Stores } from '../stores.js';
import type { CliInput, CliOutput } from './cli-io.js';
import type { Flags, FlagSpec } from './flags.js';

export interface CommandContext {
  stores: Stores;
  clock: Clock;
  /** Migrations this invocation applied (the CLI migrates quietly before every command). */
  migrated: string[];
}

export interface PreparedCommand {
  /**
   * Revokes or rotates keys, or ends dashboard sessions: the CLI then attaches to Redis, when there
   * is one, to tell the gateways.
   */
  publishes: boolean;
  run(context: CommandContext): Promise<Record<string, unknown>>;
}

/** What prepare may use besides the flags: stdin (for a password) and stderr (for a prompt or a note). */
export interface CommandInput {
  stdin: CliInput | undefined;
  stderr: CliOutput;
}

export interface CommandSpec {
  /** `account create`, or one word (`migrate`). */
  name: string;
  summary: string;
  flags: readonly FlagSpec[];
  /** The printed JSON object, for --help. */
  prints: string;
  /** Extra lines for --help (how flags combine, what a note means). */
  notes?: readonly string[];
  prepare(flags: Flags, input: CommandInput): PreparedCommand | Promise<PreparedCommand>;
}

/** Errors a command reports for valid-looking input the data refutes (unknown account...): exit 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}
