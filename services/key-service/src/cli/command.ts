// What a CLI command is: its flags are checked first (prepare), then it runs against the same domain
// stores the HTTP API uses and returns the one JSON object it prints.
import type { Clock } from '../clock.js';
import type { Stores } from '../stores.js';

export interface CommandContext {
  stores: Stores;
  clock: Clock;
  /** Migrations this invocation applied (the CLI migrates quietly before every command). */
  migrated: string[];
}

export interface PreparedCommand {
  /** Revokes or rotates keys: the CLI then attaches to Redis, when there is one, to tell the gateways. */
  publishes: boolean;
  run(context: CommandContext): Promise<Record<string, unknown>>;
}

/** Errors a command reports for valid-looking input the data refutes (unknown account...): exit 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}
