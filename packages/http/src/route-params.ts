// Path parameters shared by the routes of every service. They take any short string: a value that is
// not a real id is looked up like any other and answers 404 NOT_FOUND, never a 400 that would tell a
// caller more about ids than a miss does.
import { z } from 'zod';

const MAX_PARAM_LENGTH = 200;

export const idParamsSchema = z.object({ id: z.string().max(MAX_PARAM_LENGTH) });
export const uuidParamsSchema = z.object({ uuid: z.string().max(MAX_PARAM_LENGTH) });

/** True for a canonical uuid: look a row up by it only then (Postgres rejects anything else). */
export function isUuid(value: string): boolean {
  return z.uuid().safeParse(value).success;
}
