// --help texts, written from the command table itself so they cannot drift from what is parsed.
import type { CommandSpec } from './command.js';
import type { FlagSpec } from './flags.js';

const HELP_FLAG = '-h, --help';

function flagLabel(flag: FlagSpec): string {
  const names = [flag.name, ...(flag.aliases ?? [])].map((name) => `--${name}`).join(', ');
  return flag.value ? `${names} ${flag.value}` : names;
}

function usageLine(spec: CommandSpec): string {
  const parts = spec.flags.map((flag) => {
    const text = flag.value ? `--${flag.name} ${flag.value}` : `--${flag.name}`;
    return flag.required ? text : `[${text}]`;
  });
  return ['platen', spec.name, ...parts].join(' ');
}

function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export function commandHelp(spec: CommandSpec): string {
  const rows = spec.flags.map((flag): [string, string] => [
    flagLabel(flag),
    flag.required ? `${flag.help} (required)` : flag.help,
  ]);
  rows.push([HELP_FLAG, 'show this help']);
  return [
    `Usage: ${usageLine(spec)}`,
    '',
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
    '',
    'Options:',
    ...table(rows),
    '',
    `Prints (the last line on stdout): ${spec.prints}`,
    ...(spec.notes && spec.notes.length > 0 ? ['', ...spec.notes] : []),
    '',
  ].join('\n');
}

export function overviewHelp(specs: readonly CommandSpec[], heading?: string): string {
  return [
    'Usage: platen <command> [options]   (from the repository: npm run platen -- <command> [options])',
    '',
    heading ?? 'The operator CLI: accounts, dashboard passwords, credits and API keys on this install.',
    '',
    'Commands:',
    ...table(specs.map((spec) => [spec.name, spec.summary])),
    '',
    'Run `platen <command> --help` for its options (e.g. `platen key create --help`).',
    'The result is one JSON object on the last stdout line; errors are one line `platen: ...` on stderr.',
    'Exit status: 0 done, 2 bad usage (nothing changed), 1 anything else.',
    '',
  ].join('\n');
}
