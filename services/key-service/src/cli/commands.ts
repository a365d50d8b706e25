// The operator CLI's command table (docs/api.md, "Dashboard and key management"): `<group> <action> --flags`
// (or one word). Also answers --help for the CLI, a group (`platen key --help`) and each command.
import { accountCreate, accountShow, creditsAdd } from './account-commands.js';
import type { CommandSpec } from './command.js';
import { UsageError } from './flags.js';
import { commandHelp, overviewHelp } from './help.js';
import { keyCreate, keyList, keyRevoke, keyRotate } from './key-commands.js';
import { userSetPassword } from './user-commands.js';

const migrate: CommandSpec = {
  name: 'migrate',
  summary: 'apply pending database migrations (every command also does this first)',
  flags: [],
  prints: '{"migrated": ["keys/0001_initial", ...]}',
  prepare: () => ({ publishes: false, run: ({ migrated }) => Promise.resolve({ migrated }) }),
};

export const COMMANDS: readonly CommandSpec[] = [
  accountCreate,
  accountShow,
  creditsAdd,
  keyCreate,
  keyList,
  keyRevoke,
  keyRotate,
  userSetPassword,
  migrate,
];

export type ResolvedCommand = { help: string } | { spec: CommandSpec; args: string[] };

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';

/** Finds the command (or the help asked for); throws UsageError before anything is opened. */
export function resolveCommand(argv: readonly string[]): ResolvedCommand {
  const viaHelpWord = argv[0] === 'help';
  const rest = viaHelpWord ? argv.slice(1) : argv;
  const wantsHelp = viaHelpWord || rest.some(isHelp);
  const [group, action] = rest;
  const known = COMMANDS.map((spec) => spec.name).join(', ');
  if (group === undefined || group.startsWith('-')) {
    if (wantsHelp) return { help: overviewHelp(COMMANDS) };
    throw new UsageError(`missing command; one of: ${known} (see platen --help)`);
  }
  const single = COMMANDS.find((spec) => spec.name === group);
  if (single) return wantsHelp ? { help: commandHelp(single) } : { spec: single, args: rest.slice(1) };
  const pair = COMMANDS.find((spec) => spec.name === `${group} ${action}`);
  if (pair) return wantsHelp ? { help: commandHelp(pair) } : { spec: pair, args: rest.slice(2) };
  const inGroup = COMMANDS.filter((spec) => spec.name.startsWith(`${group} `));
  if (inGroup.length > 0 && (action === undefined || action.startsWith('-'))) {
    if (wantsHelp) return { help: overviewHelp(inGroup, `Commands of "${group}":`) };
    const actions = inGroup.map((spec) => spec.name.split(' ')[1]).join(', ');
    throw new UsageError(`missing action after "${group}"; one of: ${actions} (see platen ${group} --help)`);
  }
  throw new UsageError(
    `unknown command "${[group, action].filter(Boolean).join(' ')}"; one of: ${known} (see platen --help)`,
  );
}
