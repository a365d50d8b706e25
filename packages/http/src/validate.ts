import { validationError } from '@platen/contracts';
import type { z } from 'zod';

/** Parses untrusted input at the edge; every bad field becomes an entry of `details.issues`. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}
