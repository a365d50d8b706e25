// Command-line flags, parsed strictly with node:util parseArgs from each command's flag table and
// checked before anything is opened: a bad or missing flag is a UsageError (exit 2) and nothing has
// been touched yet. Messages name the flag as the user typed it (an alias included).
import { parseArgs } from 'node:util';
import { z } from 'zod';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  name: string;
  /** A string flag takes a value; a boolean flag is a switch. */
  type: 'string' | 'boolean';
  /** How --help shows the value, e.g. `<email>`. */
  value?: string;
  /** Other names of the same flag (`--email` for `--account`). */
  aliases?: readonly string[];
  required?: boolean;
  help: string;
}

const PARSE_ARGS_MESSAGES: Record<string, (quoted: string) => string> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: (quoted) => `unknown option ${quoted}`,
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: (quoted) => `${quoted.split(' ')[0]} needs a value`,
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: (quoted) => `unexpected argument "${quoted}"`,
};

/** The flags one invocation gave, by canonical name. */
export class Flags {
  constructor(
    private readonly specs: readonly FlagSpec[],
    private readonly given: ReadonlyMap<string, { value: string | boolean; as: string }>,
  ) {}

  /** How the user wrote the flag (`--email` when the alias was used), else its name. */
  label(name: string): string {
    return this.given.get(name)?.as ?? `--${name}`;
  }

  optional(name: string): string | undefined {
    const value = this.given.get(name)?.value;
    return typeof value === 'string' ? value : undefined;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined || value.trim() === '') throw new UsageError(`missing ${this.names(name)}`);
    return value;
  }

  boolean(name: string): boolean {
    return this.given.get(name)?.value === true;
  }

  private names(name: string): string {
    const aliases = this.specs.find((spec) => spec.name === name)?.aliases ?? [];
    return [`--${name}`, ...aliases.map((alias) => `--${alias}`)].join(' or ');
  }
}

function optionNames(specs: readonly FlagSpec[]): string {
  return specs.map((spec) => [spec.name, ...(spec.aliases ?? [])].map((n) => `--${n}`).join('/')).join(', ');
}

/**
 * Unknown flags and positional arguments are refused; an unknown option's message lists the command's
 * own (`command` names it, e.g. "key create").
 */
export function parseFlags(args: string[], specs: readonly FlagSpec[], command: string): Flags {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  const canonical = new Map<string, string>();
  for (const spec of specs) {
    for (const name of [spec.name, ...(spec.aliases ?? [])]) {
      options[name] = { type: spec.type };
      canonical.set(name, spec.name);
    }
  }
  let tokens;
  try {
    ({ tokens } = parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true }));
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const describe = code ? PARSE_ARGS_MESSAGES[code] : undefined;
    const quoted = /'([^']+)'/.exec(message ?? '')?.[1] ?? '';
    if (!describe || !quoted) throw new UsageError(`cannot read the options of "${command}"`);
    const after = args[args.indexOf(quoted) - 1] ?? '';
    const afterSwitch = options[after.replace(/^--/, '')]?.type === 'boolean' && after.startsWith('--');
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && afterSwitch) {
      // The value of a switch (e.g. a password after --password-stdin) is never echoed.
      throw new UsageError(`${after} takes no value; unexpected argument after it`);
    }
    const hint =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `; "${command}" takes ${specs.length > 0 ? optionNames(specs) : 'no options'} (see --help)`
        : '';
    throw new UsageError(`${describe(quoted)}${hint}`);
  }
  const given = new Map<string, { value: string | boolean; as: string }>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const name = canonical.get(token.name)!;
    const as = token.rawName;
    const earlier = given.get(name);
    if (earlier && earlier.as !== as) {
      throw new UsageError(`${earlier.as} and ${as} are the same option; give one`);
    }
    given.set(name, { value: token.value ?? true, as });
  }
  return new Flags(specs, given);
}

export function emailFlag(flags: Flags, name: string): string {
  const email = flags.required(name).trim();
  if (!z.email().max(254).safeParse(email).success) {
    throw new UsageError(`${flags.label(name)} is not an email address`);
  }
  return email;
}

export function integerFlag(
  flags: Flags,
  name: string,
  range: { min: number; max: number; fallback?: number },
): number {
  const value = range.fallback === undefined ? flags.required(name) : flags.optional(name);
  if (value === undefined) return range.fallback!;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    throw new UsageError(`${flags.label(name)} must be a whole number from ${range.min} to ${range.max}`);
  }
  return number;
}

const dateTimeSchema = z.iso.datetime({ offset: true });
const dateSchema = z.iso.date();

/** ISO-8601 with a time zone (`2026-12-31T23:59:59Z`, `…+02:00`), or a date meaning its 00:00 UTC. */
export function dateTimeFlag(flags: Flags, name: string): string | null {
  const value = flags.optional(name);
  if (value === undefined) return null;
  if (dateTimeSchema.safeParse(value).success) return new Date(value).toISOString();
  if (dateSchema.safeParse(value).success) return new Date(`${value}T00:00:00Z`).toISOString();
  throw new UsageError(
    `${flags.label(name)} must be an ISO-8601 date-time with a time zone, e.g. 2026-12-31T23:59:59Z`,
  );
}
