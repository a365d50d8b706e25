// How the page writes times, durations, sizes and counts. Times are shown in UTC (as the API and the
// usage days are UTC) so that what a user reads matches what the API and the logs say.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2025-03-07T14:05:09Z` → `7 Mar 2025`; null → `—`. */
export function formatDate(iso: string | null | undefined): string {
  const date = parse(iso);
  if (!date) return '—';
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** `2025-03-07T14:05:09Z` → `7 Mar 2025, 14:05 UTC`; null → `—`. */
export function formatDateTime(iso: string | null | undefined): string {
  const date = parse(iso);
  if (!date) return '—';
  return `${formatDate(iso)}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** `2025-03-07` (a usage day) → `7 Mar`. */
export function formatDay(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1] ?? '?'}`;
}

/** Time since `iso` in words (`just now`, `5 min ago`, `3 h ago`, `2 days ago`), or the date once older than 30 days. */
export function formatRelative(iso: string | null | undefined, now: Date): string {
  const date = parse(iso);
  if (!date) return 'never';
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  if (seconds < 0) return formatDateTime(iso);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86_400);
  if (days <= 30) return days === 1 ? 'yesterday' : `${days} days ago`;
  return formatDate(iso);
}

/** 850 → `850 ms`, 4200 → `4.2 s`, 125000 → `2 min 5 s`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** Milliseconds from `start` to `end`, or null when either is missing (a render still running). */
export function durationBetween(start: string | null, end: string | null): number | null {
  const from = parse(start);
  const to = parse(end);
  if (!from || !to) return null;
  return Math.max(0, to.getTime() - from.getTime());
}

/** 1536 → `1.5 KB`, 3_500_000 → `3.3 MB` (binary units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** 12345 → `12,345`. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const sign = value < 0 ? '-' : '';
  const [whole = '0', fraction] = Math.abs(value).toString().split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + (fraction ? `.${fraction}` : '');
}

/** A ledger amount with its sign: 100 → `+100`, -1 → `−1` (a real minus sign). */
export function formatSignedAmount(amount: number): string {
  if (amount > 0) return `+${formatCount(amount)}`;
  if (amount < 0) return `\u2212${formatCount(-amount)}`;
  return '0';
}

/** The first 8 characters of a uuid, enough to tell renders apart in a list. */
export function shortId(uuid: string): string {
  return uuid.slice(0, 8);
}

/** `1 credit`, `3 credits`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
