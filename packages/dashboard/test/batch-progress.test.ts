import { archiveLink, formatBatchCounts } from '../web/lib/batch-progress.js';

const counts = (over: Partial<Record<'queued' | 'processing' | 'succeeded' | 'failed', number>>) => {
  const all = { queued: 0, processing: 0, succeeded: 0, failed: 0, ...over };
  return { total: all.queued + all.processing + all.succeeded + all.failed, ...all };
};

describe('formatBatchCounts', () => {
  it('says how many succeeded of all, then failures and what is left only when there are some', () => {
    expect(formatBatchCounts(counts({ succeeded: 5 }))).toBe('5 of 5 succeeded');
    expect(formatBatchCounts(counts({ succeeded: 2, failed: 1, queued: 1, processing: 1 }))).toBe(
      '2 of 5 succeeded, 1 failed, 2 to go',
    );
    expect(formatBatchCounts(counts({ queued: 3 }))).toBe('0 of 3 succeeded, 3 to go');
    expect(formatBatchCounts(counts({ succeeded: 1, failed: 2 }))).toBe('1 of 3 succeeded, 2 failed');
  });
});

describe('archiveLink', () => {
  it('offers the whole archive of a finished batch', () => {
    expect(archiveLink({ status: 'finished', counts: counts({ succeeded: 2, failed: 1 }) })).toEqual({
      partial: false,
      label: 'Download ZIP',
    });
  });

  it('offers only a partial archive while the batch is processing (the whole one is 409 then)', () => {
    expect(archiveLink({ status: 'processing', counts: counts({ succeeded: 2, queued: 3 }) })).toEqual({
      partial: true,
      label: 'Download the 2 done so far (ZIP)',
    });
  });
});
