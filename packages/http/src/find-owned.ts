// A lookup scoped to the caller's account either finds the row or answers 404 NOT_FOUND: a missing row
// and another account's row look the same from outside.
import { ApiError } from '@platen/contracts';

type Miss = null | undefined | false;

/** `lookup` is the scoped lookup, or undefined when the id cannot name a row (then it is a miss too). */
export async function findOwnedOr404<T>(lookup: PromiseLike<T | Miss> | undefined): Promise<T> {
  const found = lookup === undefined ? undefined : await lookup;
  if (found === undefined || found === null || found === false) throw new ApiError('NOT_FOUND');
  return found;
}
