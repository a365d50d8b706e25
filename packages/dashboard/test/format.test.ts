import {
  durationBetween,
  formatBytes,
  formatCount,
  formatDate,
  formatDateTime,
  formatDay,
  formatDuration,
  formatRelative,
  formatSignedAmount,
  plural,
} from '../web/lib/format.js';

describe('dates', () => {
  it('writes dates and times in UTC whatever the machine zone', () => {
    expect(formatDate('2025-03-07T23:30:00Z')).toBe('7 Mar 2025');
    expect(formatDateTime('2025-03-07T04:05:09Z')).toBe('7 Mar 2025, 04:05 UTC');
    expect(formatDateTime('2025-03-07T04:05:09+02:00')).toBe('7 Mar 2025, 02:05 UTC');
  });

  it('shows a dash for a missing or unreadable time instead of "Invalid Date"', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
  });

  it('writes a usage day as day and month', () => {
    expect(formatDay('2025-12-01')).toBe('1 Dec');
    expect(formatDay('garbage')).toBe('garbage');
  });

  it('says how long ago, falling back to the date after 30 days', () => {
    const now = new Date('2025-03-31T12:00:00Z');
    expect(formatRelative(null, now)).toBe('never');
    expect(formatRelative('2025-03-31T11:59:30Z', now)).toBe('just now');
    expect(formatRelative('2025-03-31T11:15:00Z', now)).toBe('45 min ago');
    expect(formatRelative('2025-03-31T07:00:00Z', now)).toBe('5 h ago');
    expect(formatRelative('2025-03-30T11:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('2025-03-21T12:00:00Z', now)).toBe('10 days ago');
    expect(formatRelative('2025-01-02T12:00:00Z', now)).toBe('2 Jan 2025');
  });

  it('shows a time in the future (clock skew) as the time itself', () => {
    expect(formatRelative('2025-04-01T00:00:00Z', new Date('2025-03-31T12:00:00Z'))).toBe(
      '1 Apr 2025, 00:00 UTC',
    );
  });
});

describe('durations', () => {
  it('picks a readable unit', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });

  it('is unknown while a render has not both started and completed', () => {
    expect(durationBetween('2025-01-01T00:00:00Z', null)).toBeNull();
    expect(durationBetween(null, '2025-01-01T00:00:00Z')).toBeNull();
    expect(formatDuration(null)).toBe('—');
  });

  it('is completed_at minus started_at, never negative', () => {
    expect(durationBetween('2025-01-01T00:00:00.000Z', '2025-01-01T00:00:01.250Z')).toBe(1250);
    expect(durationBetween('2025-01-01T00:00:02Z', '2025-01-01T00:00:01Z')).toBe(0);
  });
});

describe('numbers', () => {
  it('groups thousands and keeps the sign', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(-1234567)).toBe('-1,234,567');
    expect(formatCount(Number.NaN)).toBe('—');
  });

  it('signs ledger amounts with a real minus', () => {
    expect(formatSignedAmount(100)).toBe('+100');
    expect(formatSignedAmount(-1)).toBe('\u22121');
    expect(formatSignedAmount(0)).toBe('0');
  });

  it('writes sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3.5 * 1024 * 1024)).toBe('3.5 MB');
    expect(formatBytes(-1)).toBe('—');
  });

  it('agrees the noun with the count', () => {
    expect(plural(1, 'credit')).toBe('1 credit');
    expect(plural(2500, 'credit')).toBe('2,500 credits');
  });
});
