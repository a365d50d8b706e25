// Command-line flags, parsed strictly with node:util parseArgs and checked before anything is opened:
// a bad or missing flag is a UsageError (exit 2) and nothing has been touched yet.
import { parseArgs } from 'node:util';
import { z } from 'zod';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const PARSE_ARGS_MESSAGES: Record<string, (quoted: string) => string> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: (quoted) => `unknown option ${quoted}`,
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: (quoted) => `${quoted.split(' ')[0]} needs a value`,
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: (quoted) => `unexpected argument "${quoted}"`,
};

/** Every flag of a command is a string flag; unknown flags and positional arguments are refused. */
export function parseFlags<N extends string>(
  args: string[],
  names: readonly N[],
): Partial<Record<N, string>> {
  try {
    const { values } = parseArgs({
      args,
      options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Partial<Record<N, string>>;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const describe = code ? PARSE_ARGS_MESSAGES[code] : undefined;
    const quoted = /'([^']+)'/.exec(message ?? '')?.[1] ?? '';
    throw new UsageError(describe && quoted ? describe(quoted) : String(message));
  }
}

export function requiredFlag(value: string | undefined, name: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing --${name}`);
  return value;
}

export function emailFlag(value: string | undefined, name: string): string {
  const email = requiredFlag(value, name).trim();
  if (!z.email().max(254).safeParse(email).success) throw new UsageError(`--${name} is not an email address`);
  return email;
}

export function integerFlag(value: string, name: string, range: { min: number; max: number }): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    throw new UsageError(`--${name} must be a whole number from ${range.min} to ${range.max}`);
  }
  return number;
}

const dateTimeSchema = z.iso.datetime({ offset: true });
const dateSchema = z.iso.date();

/** ISO-8601 with a time zone (`2026-12-31T23:59:59Z`, `…+02:00`), or a date meaning its 00:00 UTC. */
export function dateTimeFlag(value: string, name: string): string {
  if (dateTimeSchema.safeParse(value).success) return new Date(value).toISOString();
  if (dateSchema.safeParse(value).success) return new Date(`${value}T00:00:00Z`).toISOString();
  throw new UsageError(`--${name} must be an ISO-8601 date-time with a time zone, e.g. 2026-12-31T23:59:59Z`);
}
