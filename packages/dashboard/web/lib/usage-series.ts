// Turns the usage report (rows only for days with activity) into the gap-free daily series the
// chart draws: one value per UTC day from `from` to `to`, per key and in total.
import type { UsageReport } from './api-types.js';

export type UsageMetric = 'requests' | 'renders';

export interface KeyUsage {
  id: string;
  name: string;
  requests: number[];
  renders: number[];
}

export interface UsageSeries {
  /** `YYYY-MM-DD`, one per day, oldest first. */
  days: string[];
  /** Each day's UTC midnight in unix seconds (uPlot's x values). */
  x: number[];
  /** Keys with any activity, busiest first. */
  keys: KeyUsage[];
  total: { requests: number[]; renders: number[] };
}

export type UsageView =
  { mode: 'total' } | { mode: 'stacked'; metric: UsageMetric } | { mode: 'key'; keyId: string };

export interface ChartSeries {
  label: string;
  /** The day values themselves (legend, table). */
  values: number[];
  /** What is drawn: equal to values, or the running sum of the series below when stacked. */
  drawn: number[];
}

const DAY_MS = 86_400_000;
/** The API allows at most 90 days; a bound keeps a malformed answer from looping for long. */
const MAX_DAYS = 366;

function dayStart(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Every UTC day from `from` to `to`, both included; empty when the range is invalid or reversed. */
export function daysBetween(from: string, to: string): string[] {
  const start = dayStart(from);
  const end = dayStart(to);
  if (start === null || end === null || end < start) return [];
  const days: string[] = [];
  for (let ms = start; ms <= end && days.length < MAX_DAYS; ms += DAY_MS) {
    days.push(new Date(ms).toISOString().slice(0, 10));
  }
  return days;
}

export function buildUsageSeries(report: UsageReport): UsageSeries {
  const days = daysBetween(report.from, report.to);
  const index = new Map(days.map((day, i) => [day, i]));
  const zeros = () => days.map(() => 0);
  const keys = new Map<string, KeyUsage>();
  const total = { requests: zeros(), renders: zeros() };

  for (const row of report.rows) {
    const i = index.get(row.date);
    if (i === undefined) continue;
    let key = keys.get(row.key_id);
    if (!key) {
      key = { id: row.key_id, name: row.key_name, requests: zeros(), renders: zeros() };
      keys.set(row.key_id, key);
    }
    const requests = Number.isFinite(row.requests) ? row.requests : 0;
    const renders = Number.isFinite(row.renders) ? row.renders : 0;
    key.requests[i] = (key.requests[i] ?? 0) + requests;
    key.renders[i] = (key.renders[i] ?? 0) + renders;
    total.requests[i] = (total.requests[i] ?? 0) + requests;
    total.renders[i] = (total.renders[i] ?? 0) + renders;
  }

  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const sorted = [...keys.values()].sort(
    (a, b) => sum(b.requests) - sum(a.requests) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
  return { days, x: days.map((day) => (dayStart(day) ?? 0) / 1000), keys: sorted, total };
}

/** Running sums: stack[i][d] = values[0][d] + … + values[i][d]. */
export function stackValues(values: number[][]): number[][] {
  const stacked: number[][] = [];
  values.forEach((series, i) => {
    const below = stacked[i - 1];
    stacked.push(series.map((value, d) => value + (below?.[d] ?? 0)));
  });
  return stacked;
}

/** The series to draw for a view; an unknown key id draws nothing. */
export function chartSeries(series: UsageSeries, view: UsageView): ChartSeries[] {
  if (view.mode === 'total') {
    return [
      { label: 'Requests', values: series.total.requests, drawn: series.total.requests },
      { label: 'Renders', values: series.total.renders, drawn: series.total.renders },
    ];
  }
  if (view.mode === 'key') {
    const key = series.keys.find((candidate) => candidate.id === view.keyId);
    if (!key) return [];
    return [
      { label: 'Requests', values: key.requests, drawn: key.requests },
      { label: 'Renders', values: key.renders, drawn: key.renders },
    ];
  }
  const values = series.keys.map((key) => key[view.metric]);
  const drawn = stackValues(values);
  return series.keys.map((key, i) => ({ label: key.name, values: values[i] ?? [], drawn: drawn[i] ?? [] }));
}

export function seriesTotal(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
