// One page of an account's batches in the public list shape, for the public and the dashboard list
// routes alike: a cursor that does not parse is the contract's 400 naming `cursor`.
import { validationError } from '@platen/contracts';
import { BatchCursorError, type BatchRecords } from '@platen/db';
import { toBatchSummary } from '@platen/mockups';

export async function listBatchPage(
  batches: BatchRecords,
  accountId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  let page;
  try {
    page = await batches.list({ accountId, limit: query.limit, cursor: query.cursor });
  } catch (error) {
    if (error instanceof BatchCursorError) {
      throw validationError([{ path: 'cursor', message: error.message }]);
    }
    throw error;
  }
  const totals = await batches.totals(page.rows.map((row) => row.id));
  return {
    items: page.rows.map((row) => toBatchSummary(row, totals.get(row.id)!)),
    nextCursor: page.nextCursor,
  };
}
