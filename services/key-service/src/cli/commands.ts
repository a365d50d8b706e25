// The operator CLI's command table (docs/api.md, "Dashboard and key management"): `<group> <action> --flags`.
import { accountCreate, accountShow, creditsAdd } from './account-commands.js';
import type { PreparedCommand } from './command.js';
import { parseFlags, UsageError } from './flags.js';
import { keyCreate, keyList, keyRevoke, keyRotate } from './key-commands.js';

function migrate(args: string[]): PreparedCommand {
  parseFlags(args, []);
  return { publishes: false, run: ({ migrated }) => Promise.resolve({ migrated }) };
}

const COMMANDS = new Map<string, (args: string[]) => PreparedCommand>([
  ['account create', accountCreate],
  ['account show', accountShow],
  ['credits add', creditsAdd],
  ['key create', keyCreate],
  ['key list', keyList],
  ['key revoke', keyRevoke],
  ['key rotate', keyRotate],
  ['migrate', migrate],
]);

/** Finds the command and checks its flags; throws UsageError before anything is opened. */
export function prepareCommand(argv: string[]): PreparedCommand {
  const known = [...COMMANDS.keys()].join(', ');
  const [group, action] = argv;
  if (group === undefined) throw new UsageError(`missing command; one of: ${known}`);
  const single = group.includes(' ') ? undefined : COMMANDS.get(group);
  if (single) return single(argv.slice(1));
  const pair = action === undefined ? undefined : COMMANDS.get(`${group} ${action}`);
  if (!pair) throw new UsageError(`unknown command "${argv.slice(0, 2).join(' ')}"; one of: ${known}`);
  return pair(argv.slice(2));
}
