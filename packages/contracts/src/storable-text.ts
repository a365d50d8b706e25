// Text Postgres can store. It refuses NUL (U+0000) in text and jsonb, and a lone UTF-16 surrogate
// (half of a pair) has no UTF-8 form: jsonb refuses its `\udXXX` escape and text would silently get
// U+FFFD. Either reached the database as a 500, so every string a client sends that can be stored
// goes through storableText() (or, nested in free-form JSON, isStorableJson()).
import { z } from 'zod';

/** NUL, or a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** The text with NUL characters and unpaired surrogates dropped (for values the client did not choose to send, e.g. a file name). */
export function toStorableText(value: string): string {
  return value.replace(UNSTORABLE_ALL, '');
}

/** The refinement every stored client string carries; for schemas that need their own string chain. */
export const STORABLE_TEXT = [isStorableText, UNSTORABLE_TEXT_MESSAGE] as const;

/** A string a client sends that may reach the database: bounded, optionally trimmed, storable. */
export function storableText({ min = 0, max, trim = false }: { min?: number; max: number; trim?: boolean }) {
  const base = trim ? z.string().trim() : z.string();
  return base
    .min(min)
    .max(max)
    .refine(...STORABLE_TEXT);
}

/** How deep free-form JSON (render `metadata`) may nest: deeper is refused before it is ever serialised. */
export const MAX_JSON_DEPTH = 32;

export type JsonProblem = 'too_deep' | 'unstorable_text';

/**
 * Walks parsed JSON without recursion (a 5,000-deep object must not overflow the stack) and says
 * what makes it unfit to store: nesting deeper than `maxDepth`, or (unless `depthOnly`) a key or
 * string that is not storable text. Undefined when it is fine.
 */
export function jsonProblem(
  value: unknown,
  { maxDepth = MAX_JSON_DEPTH, depthOnly = false }: { maxDepth?: number; depthOnly?: boolean } = {},
): JsonProblem | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next.value === 'string') {
      if (!depthOnly && !isStorableText(next.value)) return 'unstorable_text';
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= maxDepth) return 'too_deep';
    const entries = Array.isArray(next.value)
      ? next.value.map((item) => ['', item] as const)
      : Object.entries(next.value);
    for (const [key, item] of entries) {
      if (!depthOnly && !isStorableText(key)) return 'unstorable_text';
      pending.push({ value: item, depth: next.depth + 1 });
    }
  }
  return undefined;
}
